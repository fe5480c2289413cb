export const TELEMETRY_OPTIONS = Symbol('TELEMETRY_OPTIONS');

export interface TelemetryOptions {
  /** Run the ingest side in this process (embedded broker, or consumer of MQTT_URL). */
  ingest: boolean;
  /** REST, socket.io gateway, broker hooks and scheduled jobs (the api role). */
  api: boolean;
  /** Do not open MQTT listeners / connections at boot (tests start them with chosen ports). */
  deferBrokerStart?: boolean;
}
