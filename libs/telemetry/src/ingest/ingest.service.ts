import { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { notifyLiveStates } from '../live/live-bridge';
import { LiveState, LiveStateBus } from '../live/live-state';
import { eventCodeInfo } from '../protocol/event-codes';
import { isDeviceChannel } from '../protocol/topics';
import {
  type DecodeLimits,
  decodeDeviceMessage,
  type DeviceRef,
  type EventRow,
  type MeterRow,
  type RejectReason,
  type StatusRow,
} from './decode';
import { DeviceDirectory } from './device-directory';
import { IngestMetrics } from './ingest-metrics';
import { RateLimitedLog } from './rate-limited-log';
import { type InsertedEvent, type LiveTouch, TelemetryWriteRepository } from './telemetry-write.repository';
import { type QueryRunner } from 'typeorm';

/** What a batch brought, for rules that run inside its transaction (alarms). */
export interface BatchView {
  status: readonly StatusRow[];
  /** events stored for the first time (redeliveries excluded) */
  newEvents: readonly InsertedEvent[];
  live: readonly LiveState[];
}

/**
 * Runs inside a batch's transaction, after its rows are written; what it writes commits or rolls
 * back with them. Returns work to do after commit (e.g. notify dashboards).
 */
export type BatchHook = (q: QueryRunner, batch: BatchView) => Promise<(() => void) | void>;

export type IngestOutcome = { stored: true } | { stored: false; reason: RejectReason };

/** Reported after each committed batch (used by the benchmark to measure latency). */
export interface CommitReport {
  committedAt: number;
  status: StatusRow[];
  events: EventRow[];
  meters: MeterRow[];
  inserted: { status: number; events: number; meters: number };
}

interface PendingBatch {
  status: StatusRow[];
  events: EventRow[];
  meters: MeterRow[];
  touches: Map<string, LiveTouch>;
  dirty: Map<string, { elevatorId: string; hourMs: number }>;
  waiters: Array<() => void>;
  rows: number;
  messages: number;
}

function newBatch(): PendingBatch {
  return {
    status: [],
    events: [],
    meters: [],
    touches: new Map(),
    dirty: new Map(),
    waiters: [],
    rows: 0,
    messages: 0,
  };
}

const HOUR_MS = 3_600_000;
const MAX_CONCURRENT_FLUSHES = 2;

/** SQLSTATE classes that will not succeed on retry (data exceptions, integrity violations). */
function isPermanent(err: unknown): boolean {
  const code = err instanceof QueryFailedError ? (err.driverError as { code?: string }).code : undefined;
  return (
    typeof code === 'string' && (code.startsWith('22') || code.startsWith('23') || code.startsWith('42'))
  );
}

/**
 * The ingest pipeline after the broker: validates a device message, buffers its rows, writes them
 * in batches (one transaction per batch, several tables), and resolves the caller's promise only
 * after commit — the broker acknowledges QoS 1 then, so a crash before commit means the device
 * sends again. Replays and redeliveries are absorbed by the tables' primary keys.
 *
 * Back-pressure: while more than INGEST_MAX_PENDING_ROWS rows wait, `ingest` does not return,
 * so the broker stops reading from that device's connection instead of growing memory.
 */
@Injectable()
export class IngestService implements OnModuleDestroy {
  private readonly logger = new Logger(IngestService.name);
  private readonly rejectLog = new RateLimitedLog(this.logger);
  private readonly errorLog = new RateLimitedLog(this.logger, 10_000);
  private readonly limits: DecodeLimits;
  private current = newBatch();
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private pendingRows = 0;
  private capacityWaiters: Array<() => void> = [];
  private closing = false;
  /** `committed` (CommitReport) after each batch. */
  readonly events = new EventEmitter();
  private readonly hooks: BatchHook[] = [];

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly directory: DeviceDirectory,
    private readonly repo: TelemetryWriteRepository,
    private readonly metrics: IngestMetrics,
    private readonly live: LiveStateBus,
  ) {
    this.limits = {
      maxPayloadBytes: config.mqtt.maxPayloadBytes,
      maxBatchPayloadBytes: config.mqtt.maxBatchPayloadBytes,
      futureToleranceMs: config.telemetry.futureToleranceS * 1000,
      maxAgeMs: config.telemetry.maxAgeDays * 86_400_000,
    };
  }

  /** Adds a rule that runs inside every batch transaction (see BatchHook). */
  addBatchHook(hook: BatchHook): void {
    this.hooks.push(hook);
  }

  /** Counts a refusal decided elsewhere (broker authentication, ACL). */
  countRejection(serial: string, reason: RejectReason, detail: string): void {
    this.metrics.rejected.inc({ reason });
    this.rejectLog.warn(`${serial}:${reason}`, `device ${serial}: message refused (${reason}): ${detail}`);
  }

  /**
   * Handles one message from `serial` on `channel`. Resolves when its rows are committed, or at
   * once when it is refused (a refused message is counted, logged at most once a minute per
   * device and reason, and acknowledged: resending it would not make it valid). Never rejects.
   */
  async ingest(
    serial: string,
    channel: string,
    payload: Buffer,
    receivedAt = Date.now(),
  ): Promise<IngestOutcome> {
    this.metrics.received.inc({ channel: isDeviceChannel(channel) ? channel : 'other' });
    const device = this.directory.peek(serial) ?? (await this.directory.lookup(serial));
    if (!device) return this.refuse(serial, 'unknown_device', 'no active device with this serial');
    const decoded = decodeDeviceMessage(channel, payload, device, receivedAt, this.limits);
    if (!decoded.ok) return this.refuse(serial, decoded.reason, decoded.detail);
    for (const [reason, n] of Object.entries(decoded.itemRejections) as Array<[RejectReason, number]>) {
      this.metrics.rejected.inc({ reason }, n);
      this.rejectLog.warn(`${serial}:${reason}`, `device ${serial}: ${n} batch item(s) refused (${reason})`);
    }
    for (const e of decoded.events) if (!eventCodeInfo(e.code)) this.metrics.unknownEventCodes.inc();
    while (this.pendingRows >= this.config.ingest.maxPendingRows && !this.closing) {
      await new Promise<void>((resolve) => this.capacityWaiters.push(resolve));
    }
    await this.enqueue(device, decoded.status, decoded.events, decoded.meters, decoded.online, receivedAt);
    return { stored: true };
  }

  /** Waits until everything received so far is committed (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.current.messages > 0 || this.inFlight > 0) {
      if (this.current.messages > 0 && this.inFlight < MAX_CONCURRENT_FLUSHES) this.flushNow();
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async onModuleDestroy(): Promise<void> {
    // Give pending batches a chance to commit; with the database down, stop waiting after 10 s
    // (their messages were not acknowledged, so devices send them again).
    await Promise.race([this.drain(), new Promise((r) => setTimeout(r, 10_000).unref())]);
    this.closing = true;
    for (const w of this.capacityWaiters.splice(0)) w();
  }

  private refuse(serial: string, reason: RejectReason, detail: string): IngestOutcome {
    this.countRejection(serial, reason, detail);
    return { stored: false, reason };
  }

  private enqueue(
    device: DeviceRef,
    status: StatusRow[],
    events: EventRow[],
    meters: MeterRow[],
    online: boolean | undefined,
    receivedAt: number,
  ): Promise<void> {
    const b = this.current;
    let touch = b.touches.get(device.elevatorId);
    if (!touch) {
      touch = {
        elevatorId: device.elevatorId,
        deviceId: device.deviceId,
        status: null,
        meter: null,
        online: true,
        lastSeenAt: null,
      };
      b.touches.set(device.elevatorId, touch);
    }
    touch.deviceId = device.deviceId;
    if (online === undefined) {
      touch.online = true;
      touch.lastSeenAt = Math.max(touch.lastSeenAt ?? 0, receivedAt);
    } else {
      touch.online = online;
      if (online) touch.lastSeenAt = Math.max(touch.lastSeenAt ?? 0, receivedAt);
    }
    for (const s of status) {
      b.status.push(s);
      if (!touch.status || s.ts > touch.status.ts || (s.ts === touch.status.ts && s.seq > touch.status.seq))
        touch.status = s;
      this.markDirty(b, s.elevatorId, s.ts);
    }
    for (const m of meters) {
      b.meters.push(m);
      if (!touch.meter || m.ts > touch.meter.ts) touch.meter = m;
      this.markDirty(b, m.elevatorId, m.ts);
    }
    for (const e of events) {
      b.events.push(e);
      this.markDirty(b, e.elevatorId, e.ts);
    }
    const rows = status.length + events.length + meters.length;
    b.rows += rows;
    b.messages++;
    this.pendingRows += rows;
    this.metrics.pendingRows.set(this.pendingRows);
    const done = new Promise<void>((resolve) => b.waiters.push(resolve));
    if (b.rows >= this.config.ingest.batchRows && this.inFlight < MAX_CONCURRENT_FLUSHES) this.flushNow();
    else if (!this.timer) this.timer = setTimeout(() => this.onTimer(), this.config.ingest.flushMs);
    return done;
  }

  private markDirty(b: PendingBatch, elevatorId: string, ts: number): void {
    const hourMs = ts - (ts % HOUR_MS);
    const key = `${elevatorId}|${hourMs}`;
    if (!b.dirty.has(key)) b.dirty.set(key, { elevatorId, hourMs });
  }

  private onTimer(): void {
    this.timer = null;
    if (this.current.messages === 0) return;
    if (this.inFlight < MAX_CONCURRENT_FLUSHES) this.flushNow();
    // else: the flush in progress picks the batch up when it finishes.
  }

  private flushNow(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.current;
    this.current = newBatch();
    this.inFlight++;
    void this.write(batch).finally(() => {
      this.inFlight--;
      this.pendingRows -= batch.rows;
      this.metrics.pendingRows.set(this.pendingRows);
      if (this.pendingRows < this.config.ingest.maxPendingRows) {
        for (const w of this.capacityWaiters.splice(0)) w();
      }
      if (this.current.messages > 0 && !this.timer) {
        if (this.current.rows >= this.config.ingest.batchRows) this.flushNow();
        else this.timer = setTimeout(() => this.onTimer(), this.config.ingest.flushMs);
      }
    });
  }

  /** Commits a batch, retrying transient failures (database down) for as long as it takes. */
  private async write(batch: PendingBatch): Promise<void> {
    let attempt = 0;
    for (;;) {
      attempt++;
      const stop = this.metrics.flushSeconds.startTimer();
      const q = this.ds.createQueryRunner();
      try {
        await q.connect();
        await q.startTransaction();
        const status = await this.repo.insertStatus(q, batch.status);
        const newEvents = await this.repo.insertEvents(q, batch.events);
        const events = newEvents.length;
        const meters = await this.repo.insertMeters(q, batch.meters);
        const live = (await this.repo.upsertLiveState(q, [...batch.touches.values()])).map((r) =>
          LiveState.of(r),
        );
        await this.repo.markDirty(q, [...batch.dirty.values()]);
        const afterCommit: Array<() => void> = [];
        for (const hook of this.hooks) {
          const after = await hook(q, { status: batch.status, newEvents, live });
          if (after) afterCommit.push(after);
        }
        // An ingest-only process has no gateway of its own: api processes get the states by NOTIFY,
        // which PostgreSQL delivers only if this transaction commits.
        if (this.config.role === 'ingest') await notifyLiveStates(q, live);
        await q.commitTransaction();
        stop();
        this.afterCommit(batch, live, { status, events, meters });
        for (const after of afterCommit) after();
        return;
      } catch (err) {
        stop();
        if (q.isTransactionActive) await q.rollbackTransaction().catch(() => undefined);
        this.metrics.flushFailures.inc();
        const message = err instanceof Error ? err.message : String(err);
        if (isPermanent(err) && attempt >= 2) {
          // A batch the database refuses twice for its content would block the pipeline forever.
          // Its messages are acknowledged and counted, never silently: see the metric and the log.
          this.metrics.rejected.inc({ reason: 'schema' }, batch.messages);
          this.logger.error(
            `batch of ${batch.messages} messages refused by the database, dropped: ${message}`,
          );
          for (const w of batch.waiters) w();
          return;
        }
        if (this.closing) {
          // Shutting down with the database gone: leave the messages unacknowledged (devices
          // resend them to the next process) instead of retrying against a closed pool.
          this.logger.warn(`shutting down: ${batch.messages} message(s) left unacknowledged (${message})`);
          return;
        }
        this.errorLog.warn('flush', `batch write failed (attempt ${attempt}), retrying: ${message}`);
        await new Promise((r) => setTimeout(r, Math.min(10_000, 200 * 2 ** Math.min(attempt, 6))));
      } finally {
        await q.release().catch(() => undefined);
      }
    }
  }

  private afterCommit(batch: PendingBatch, live: LiveState[], inserted: CommitReport['inserted']): void {
    const committedAt = Date.now();
    this.metrics.rowsCommitted.inc({ table: 'telemetry_status' }, inserted.status);
    this.metrics.rowsCommitted.inc({ table: 'device_events' }, inserted.events);
    this.metrics.rowsCommitted.inc({ table: 'meter_readings' }, inserted.meters);
    this.metrics.duplicates.inc({ table: 'telemetry_status' }, batch.status.length - inserted.status);
    this.metrics.duplicates.inc({ table: 'device_events' }, batch.events.length - inserted.events);
    this.metrics.duplicates.inc({ table: 'meter_readings' }, batch.meters.length - inserted.meters);
    for (const t of batch.touches.values()) {
      // Latency of live data only; replayed history would swamp the figure.
      if (t.status && committedAt - t.status.ts < 60_000) {
        this.metrics.deviceToCommitSeconds.observe((committedAt - t.status.ts) / 1000);
      }
    }
    for (const w of batch.waiters) w();
    this.live.publish(live);
    if (this.events.listenerCount('committed') > 0) {
      const report: CommitReport = {
        committedAt,
        status: batch.status,
        events: batch.events,
        meters: batch.meters,
        inserted,
      };
      this.events.emit('committed', report);
    }
  }
}
