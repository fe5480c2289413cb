import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { Client } from 'pg';
import { type QueryRunner } from 'typeorm';
import { DATABASE_RUNTIME, type DatabaseRuntime } from '@liftwatch/database';
import { TELEMETRY_OPTIONS, type TelemetryOptions } from '../telemetry.options';
import { LiveState, LiveStateBus } from './live-state';

/** PostgreSQL channel carrying committed live states from ingest processes to api processes. */
export const LIVE_CHANNEL = 'liftwatch_live';
/** PostgreSQL channel carrying the ids of alarms changed by ingest processes to api processes. */
export const ALARM_CHANNEL = 'liftwatch_alarms';
/** PostgreSQL channel telling every process of a device revoked or re-keyed elsewhere. */
export const DEVICE_CHANNEL = 'liftwatch_devices';
/** NOTIFY payloads are limited to 8000 bytes; keep a margin. */
const MAX_PAYLOAD = 7500;

/**
 * Splits states into NOTIFY payloads and queues them in the batch's own transaction: PostgreSQL
 * delivers a NOTIFY only if the transaction commits, so listeners never see uncommitted state.
 */
export async function notifyLiveStates(q: QueryRunner, states: LiveState[]): Promise<void> {
  await notifyJson(q, LIVE_CHANNEL, states);
}

/**
 * Queues values as NOTIFY payloads of JSON arrays on `channel`, as many as the size limit needs,
 * in the caller's transaction (delivered only if it commits).
 */
export async function notifyJson(q: QueryRunner, channel: string, values: readonly unknown[]): Promise<void> {
  let chunk: string[] = [];
  let size = 2;
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return;
    await q.query('SELECT pg_notify($1, $2)', [channel, `[${chunk.join(',')}]`]);
    chunk = [];
    size = 2;
  };
  for (const v of values) {
    const json = JSON.stringify(v);
    if (size + json.length + 1 > MAX_PAYLOAD) await flush();
    chunk.push(json);
    size += json.length + 1;
  }
  await flush();
}

/**
 * In a process that plays one role (`--role api` or `--role ingest`), listens on the database for
 * what the other processes committed: an api process for the live states of ingest processes (which
 * it hands to the gateway), every process for devices revoked elsewhere. Together with
 * notifyLiveStates this lets the roles run apart on nothing but the shared database. Other modules
 * add channels of their own (`listen`, before bootstrap): the alarms module, for alarms raised in
 * ingest processes.
 */
@Injectable()
export class LiveStateListener implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(LiveStateListener.name);
  private client: Client | null = null;
  private stopped = false;
  private readonly handlers = new Map<string, (payload: string) => void>();

  constructor(
    @Inject(DATABASE_RUNTIME) private readonly db: DatabaseRuntime,
    @Inject(TELEMETRY_OPTIONS) options: TelemetryOptions,
    bus: LiveStateBus,
  ) {
    // Live states are for dashboards: only an api process (that runs no ingest) listens for them.
    if (options.api)
      this.handlers.set(LIVE_CHANNEL, (payload) => bus.publish(JSON.parse(payload) as LiveState[], true));
  }

  /** Hands the notifications of `channel` to `handler` (register before application bootstrap). */
  listen(channel: string, handler: (payload: string) => void): void {
    this.handlers.set(channel, handler);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.db.url });
    client.on('notification', (n) => {
      const handler = this.handlers.get(n.channel);
      if (!handler || !n.payload) return;
      try {
        handler(n.payload);
      } catch (err) {
        this.logger.warn(
          `bad ${n.channel} notification: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    });
    let lost = false;
    const onLost = (why: string): void => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = null;
      if (this.stopped) return;
      this.logger.warn(`live-state listener lost its connection (${why}); reconnecting`);
      void this.reconnect();
    };
    client.on('error', (err) => onLost(err.message));
    client.on('end', () => onLost('connection closed'));
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${channel}`);
    } catch (err) {
      lost = true; // the caller retries; this client's own end must not start another loop
      await client.end().catch(() => undefined);
      throw err;
    }
    this.client = client;
  }

  /** Reconnects with back-off (capped at 10 s) for as long as the process runs. */
  private async reconnect(): Promise<void> {
    for (let attempt = 1; !this.stopped; attempt++) {
      await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** Math.min(attempt - 1, 5))));
      if (this.stopped) return;
      try {
        await this.connect();
        this.logger.log(`live-state listener reconnected (attempt ${attempt})`);
        return;
      } catch {
        // still down; the next attempt waits longer
      }
    }
  }
}
