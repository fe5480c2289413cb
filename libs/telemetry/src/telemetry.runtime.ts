import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { DeviceChanges } from '@liftwatch/registry';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { HealthRegistry } from '@liftwatch/observability';
import { EmbeddedBrokerService } from './broker/embedded-broker.service';
import { IngestService } from './ingest/ingest.service';
import { ExternalBrokerConsumer } from './broker/external-broker.consumer';
import { DeviceDirectory } from './ingest/device-directory';
import { TelemetryJobsService } from './rollups/telemetry-jobs.service';

export const TELEMETRY_OPTIONS = Symbol('TELEMETRY_OPTIONS');

export interface TelemetryOptions {
  /** Run the ingest side in this process (embedded broker, or consumer of MQTT_URL). */
  ingest: boolean;
  /** Do not open MQTT listeners / connections at boot (tests start them with chosen ports). */
  deferBrokerStart?: boolean;
}

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
    private readonly ingest: IngestService,
    health: HealthRegistry,
    @Optional() changes?: DeviceChanges,
  ) {
    // A revoked device or a rotated secret takes effect at once: the directory is reloaded and a
    // live connection made with the old credentials is closed (it must reconnect with new ones).
    changes?.subscribe((c) => {
      if (c.kind === 'created') return;
      void this.directory
        .reload()
        .then(() => this.broker.disconnect(c.serial))
        .catch((err: unknown) => this.logger.warn(`device change ${c.kind} ${c.serial}: ${String(err)}`));
    });
    if (options.ingest) {
      health.register('broker', () =>
        this.config.mqtt.url
          ? {
              status: this.consumer.connected ? 'up' : 'down',
              mode: 'external',
              url: this.config.mqtt.url.replace(/\/\/[^@]*@/, '//'),
            }
          : {
              status: this.broker.running ? 'up' : 'down',
              mode: 'embedded',
              connectedClients: this.broker.connectedClients,
            },
      );
    }
  }

  get usesExternalBroker(): boolean {
    return this.config.mqtt.url !== undefined;
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
    if (this.usesExternalBroker) {
      await this.consumer.start();
      return null;
    }
    return this.broker.start(tcpPort, wsPort);
  }

  async beforeApplicationShutdown(): Promise<void> {
    try {
      await this.consumer.stop();
      await this.broker.stop();
    } catch (err) {
      this.logger.warn(`stopping MQTT: ${err instanceof Error ? err.message : String(err)}`);
    }
    // Messages taken while the broker was closing are committed before the database pool closes.
    await Promise.race([this.ingest.drain(), new Promise((r) => setTimeout(r, 10_000).unref())]);
  }
}
