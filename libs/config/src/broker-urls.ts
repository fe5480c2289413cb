/**
 * Broker address lists: `MQTT_URL` and `AMQP_URL` may name several nodes of one broker cluster,
 * comma-separated; a client connects to the first that answers and moves along the list when its
 * node goes away (mqtt.js `servers`, the AMQP consumer's own rotation).
 */

/** The URLs of a comma-separated list, trimmed, empty entries dropped. */
export function splitBrokerUrls(list: string): string[] {
  return list
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u.length > 0);
}

export interface MqttServer {
  host: string;
  port: number;
  protocol: 'mqtt' | 'mqtts' | 'ws' | 'wss' | 'tcp';
}

/**
 * The arguments mqtt.js's `connect(url, options)` takes for a list: the first URL (credentials in
 * it apply to every node), and with more than one, `servers` — mqtt.js then reconnects to the
 * next node of the list each time a connection fails or drops.
 */
export function mqttTargets(list: string): { url: string; servers?: MqttServer[] } {
  const urls = splitBrokerUrls(list);
  if (urls.length === 0) throw new Error('no broker URL');
  if (urls.length === 1) return { url: urls[0] };
  const servers = urls.map((u) => {
    const p = new URL(u);
    const protocol = p.protocol.replace(/:$/, '') as MqttServer['protocol'];
    const port = p.port
      ? Number(p.port)
      : protocol === 'mqtts'
        ? 8883
        : protocol.startsWith('ws')
          ? 80
          : 1883;
    return { host: p.hostname, port, protocol };
  });
  return { url: urls[0], servers };
}

/** Every URL of a list with its password replaced (for logs and /health). */
export function redactBrokerUrls(list: string): string {
  return splitBrokerUrls(list)
    .map((u) => u.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@'))
    .join(',');
}
