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
import { LiveState, LiveStateBus } from './live-state';

/** PostgreSQL channel carrying committed live states from ingest processes to api processes. */
export const LIVE_CHANNEL = 'liftwatch_live';
/** NOTIFY payloads are limited to 8000 bytes; keep a margin. */
const MAX_PAYLOAD = 7500;

/**
 * Splits states into NOTIFY payloads and queues them in the batch's own transaction: PostgreSQL
 * delivers a NOTIFY only if the transaction commits, so listeners never see uncommitted state.
 */
export async function notifyLiveStates(q: QueryRunner, states: LiveState[]): Promise<void> {
  let chunk: string[] = [];
  let size = 2;
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return;
    await q.query('SELECT pg_notify($1, $2)', [LIVE_CHANNEL, `[${chunk.join(',')}]`]);
    chunk = [];
    size = 2;
  };
  for (const s of states) {
    const json = JSON.stringify(s);
    if (size + json.length + 1 > MAX_PAYLOAD) await flush();
    chunk.push(json);
    size += json.length + 1;
  }
  await flush();
}

/**
 * In an api process that runs no ingest (`--role api`), listens for the live states committed by
 * ingest processes and hands them to the gateway. Together with notifyLiveStates this lets the
 * roles run apart on nothing but the shared database.
 */
@Injectable()
export class LiveStateListener implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(LiveStateListener.name);
  private client: Client | null = null;
  private stopped = false;

  constructor(
    @Inject(DATABASE_RUNTIME) private readonly db: DatabaseRuntime,
    private readonly bus: LiveStateBus,
  ) {}

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
      if (n.channel !== LIVE_CHANNEL || !n.payload) return;
      try {
        this.bus.publish(JSON.parse(n.payload) as LiveState[]);
      } catch (err) {
        this.logger.warn(`bad live-state notification: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    client.on('error', (err) => {
      this.logger.warn(`live-state listener lost its connection (${err.message}); reconnecting`);
      this.client = null;
      if (!this.stopped) setTimeout(() => void this.connect().catch(() => undefined), 1000);
    });
    await client.connect();
    await client.query(`LISTEN ${LIVE_CHANNEL}`);
    this.client = client;
  }
}
