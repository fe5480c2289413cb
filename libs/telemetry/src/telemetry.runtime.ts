import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { DeviceChanges } from '@liftwatch/registry';
import { APP_CONFIG, type AppConfig, redactBrokerUrls } from '@liftwatch/config';
import { HealthRegistry } from '@liftwatch/observability';
import { EmbeddedBrokerService } from './broker/embedded-broker.service';
import { IngestService } from './ingest/ingest.service';
import { ExternalBrokerConsumer } from './broker/external-broker.consumer';
import { AmqpIngestConsumer } from './broker/amqp-ingest.consumer';
import { DeviceDirectory } from './ingest/device-directory';
import { TelemetryJobsService } from './rollups/telemetry-jobs.service';
import { ExternalBrokerKicker } from './broker/external-broker.kicker';
import { DEVICE_CHANNEL, LiveStateListener } from './live/live-bridge';
import { TELEMETRY_OPTIONS, type TelemetryOptions } from './telemetry.options';
import { Sql } from '@liftwatch/database';

export { TELEMETRY_OPTIONS, type TelemetryOptions } from './telemetry.options';

/**
 * Starts and stops the ingest side of this process: the embedded broker (no MQTT_URL), or the
 * consumer of an external broker (MQTT_URL). Partitions are ensured before any message is taken.
 */
@Injectable()
export class TelemetryRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TelemetryRuntime.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TELEMETRY_OPTIONS) private readonly options: TelemetryOptions,
    private readonly directory: DeviceDirectory,
    private readonly jobs: TelemetryJobsService,
    private readonly broker: EmbeddedBrokerService,
    private readonly consumer: ExternalBrokerConsumer,
    private readonly amqp: AmqpIngestConsumer,
    private readonly ingest: IngestService,
    health: HealthRegistry,
    private readonly sql: Sql,
    private readonly kicker: ExternalBrokerKicker,
    @Optional() changes?: DeviceChanges,
    @Optional() listener?: LiveStateListener,
  ) {
    // A revoked device or a rotated secret takes effect at once: the directory is reloaded and a
    // live connection made with the old credentials is closed (it must reconnect with new ones).
    changes?.subscribe((c) => {
      if (c.kind === 'created') return;
      void this.onLocalDeviceChange(c.kind, c.serial).catch((err: unknown) =>
        this.logger.warn(`device change ${c.kind} ${c.serial}: ${String(err)}`),
      );
    });
    // Changes made in another process (an api replica): reload this one's directory, so its hooks
    // and its ingest refuse the device at once rather than at the next periodic reload.
    listener?.listen(DEVICE_CHANNEL, () => {
      void this.directory
        .reload()
        .catch((err: unknown) => this.logger.warn(`device directory reload: ${String(err)}`));
    });
    if (options.ingest) {
      health.register('broker', () =>
        this.amqp.enabled
          ? {
              status: this.amqp.connected ? 'up' : 'down',
              mode: 'amqp',
              url: this.amqp.currentUrl,
            }
          : this.config.mqtt.url
            ? {
                status: this.consumer.connected ? 'up' : 'down',
                mode: 'external',
                url: redactBrokerUrls(this.config.mqtt.url),
              }
            : {
                status: this.broker.running ? 'up' : 'down',
                mode: 'embedded',
                connectedClients: this.broker.connectedClients,
              },
      );
    }
  }

  private async onLocalDeviceChange(kind: string, serial: string): Promise<void> {
    await this.directory.reload();
    this.broker.disconnect(serial); // embedded broker (a no-op without one)
    if (this.config.role !== 'all') {
      // Other processes (ingest workers, api replicas answering the broker's hooks) reload too.
      await this.sql.query(`SELECT pg_notify('${DEVICE_CHANNEL}', :payload)`, {
        payload: JSON.stringify({ kind, serial }),
      });
    }
    if (this.config.mqtt.url && this.options.api) {
      const result = await this.kicker.kick(serial);
      this.logger.log(`device ${serial} ${kind}: external broker connection ${result}`);
    }
  }

  get usesExternalBroker(): boolean {
    return this.config.mqtt.url !== undefined || this.amqp.enabled;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.maintainPartitions();
    if (!this.options.ingest) return;
    await this.jobs.markRecentHours();
    await this.directory.start();
    if (!this.options.deferBrokerStart) await this.startIngest();
  }

  /** Opens the MQTT side: the embedded broker's listeners or the external subscription. */
  async startIngest(
    tcpPort?: number,
    wsPort?: number | null,
  ): Promise<{ tcpPort: number; wsPort: number | null } | null> {
    if (this.amqp.enabled) {
      await this.amqp.start();
      return null;
    }
    if (this.usesExternalBroker) {
      await this.consumer.start();
      return null;
    }
    return this.broker.start(tcpPort, wsPort);
  }

  async beforeApplicationShutdown(): Promise<void> {
    try {
      await this.amqp.stop();
      await this.consumer.stop();
      await this.broker.stop();
    } catch (err) {
      this.logger.warn(`stopping MQTT: ${err instanceof Error ? err.message : String(err)}`);
    }
    // Messages taken while the broker was closing are committed before the database pool closes.
    await Promise.race([this.ingest.drain(), new Promise((r) => setTimeout(r, 10_000).unref())]);
  }
}
