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
import { LiveWritePlanner } from './live-write-plan';
import { RateLimitedLog, shown } from './rate-limited-log';
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

/**
 * A message taken in: `outcome` settles when its rows are committed (or at once when it was
 * refused). Wrapped in an object so that awaiting the admission does not await the commit.
 */
export interface Admission {
  outcome: Promise<IngestOutcome>;
}

/** Reported after each committed batch (used by the benchmark to measure latency). */
export interface CommitReport {
  committedAt: number;
  status: StatusRow[];
  events: EventRow[];
  meters: MeterRow[];
  inserted: { status: number; events: number; meters: number };
}

/** One accepted message waiting for its batch to commit. */
interface PendingMessage {
  serial: string;
  device: DeviceRef;
  status: StatusRow[];
  events: EventRow[];
  meters: MeterRow[];
  online: boolean | undefined;
  receivedAt: number;
  rows: number;
  /** Tells the broker the message is committed (it is acknowledged then). */
  settled: (o: IngestOutcome) => void;
}

interface PendingBatch {
  messages: PendingMessage[];
  rows: number;
  /** when its first message arrived (performance.now()) */
  openedAt: number;
}

/**
 * One write lane: a batch being filled and at most one transaction in flight. An elevator always
 * goes to the same lane, so one elevator's batches commit in order and concurrent transactions
 * never touch the same live-state, rule-state or rollup rows (no lock waits between them).
 */
interface Lane {
  current: PendingBatch;
  timer: NodeJS.Timeout | null;
  /** when `timer` fires (performance.now()) */
  timerAt: number;
  busy: boolean;
  /** which live-state rows its transactions write now and which wait (INGEST_LIVE_REFRESH_MS) */
  live: LiveWritePlanner;
}

/** The rows of a set of messages, as one transaction writes them. */
interface BatchRows {
  status: StatusRow[];
  events: EventRow[];
  meters: MeterRow[];
  touches: LiveTouch[];
  dirty: Array<{ elevatorId: string; hourMs: number }>;
}

function newBatch(): PendingBatch {
  return { messages: [], rows: 0, openedAt: 0 };
}

const HOUR_MS = 3_600_000;

/** The lane of an elevator: a cheap hash of its id (UUIDs are random in their last characters). */
function laneOf(elevatorId: string, lanes: number): number {
  const n = elevatorId.length;
  return (elevatorId.charCodeAt(n - 1) * 31 + elevatorId.charCodeAt(n - 2)) % lanes;
}

const DONE: IngestOutcome = { stored: true };

/** Back-off between retries of a batch the database could not take: exponential, capped, jittered. */
function retryDelayMs(attempt: number): number {
  const base = Math.min(5_000, 100 * 2 ** Math.min(attempt, 6));
  return base / 2 + Math.random() * (base / 2);
}

function sqlState(err: unknown): string | undefined {
  const code = err instanceof QueryFailedError ? (err.driverError as { code?: string }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/**
 * SQLSTATE classes that will not succeed on retry because of what was sent: data exceptions (22),
 * integrity violations (23), syntax/access rules (42), program limits (54: e.g. too deeply
 * nested). Everything else (connection lost, server shutting down, out of resources,
 * serialisation failures) is the database's own trouble: retried, nothing acknowledged meanwhile.
 * A missing time partition (23514, "no partition of relation … found for row") is not the
 * message's fault either: the partitions are created and the batch retried.
 */
export function isRefusedContent(err: unknown): boolean {
  const code = sqlState(err);
  if (!code || isMissingPartition(err)) return false;
  return code.startsWith('22') || code.startsWith('23') || code.startsWith('42') || code.startsWith('54');
}

function isMissingPartition(err: unknown): boolean {
  return sqlState(err) === '23514' && err instanceof Error && /no partition of relation/.test(err.message);
}

/** Builds one transaction's rows from its messages: all rows, and one live-state touch per elevator. */
function assembleRows(messages: readonly PendingMessage[]): BatchRows {
  const status: StatusRow[] = [];
  const events: EventRow[] = [];
  const meters: MeterRow[] = [];
  const touches = new Map<string, LiveTouch>();
  const dirty = new Map<string, { elevatorId: string; hourMs: number }>();
  const markDirty = (elevatorId: string, ts: number): void => {
    const hourMs = ts - (ts % HOUR_MS);
    const key = `${elevatorId}|${hourMs}`;
    if (!dirty.has(key)) dirty.set(key, { elevatorId, hourMs });
  };
  for (const m of messages) {
    const { device, online, receivedAt } = m;
    let touch = touches.get(device.elevatorId);
    if (!touch) {
      touch = {
        elevatorId: device.elevatorId,
        deviceId: device.deviceId,
        status: null,
        meter: null,
        online: true,
        lastSeenAt: null,
      };
      touches.set(device.elevatorId, touch);
    }
    touch.deviceId = device.deviceId;
    if (online === undefined) {
      touch.online = true;
      touch.lastSeenAt = Math.max(touch.lastSeenAt ?? 0, receivedAt);
    } else {
      touch.online = online;
      if (online) touch.lastSeenAt = Math.max(touch.lastSeenAt ?? 0, receivedAt);
    }
    for (const s of m.status) {
      status.push(s);
      if (!touch.status || s.ts > touch.status.ts || (s.ts === touch.status.ts && s.seq > touch.status.seq))
        touch.status = s;
      markDirty(s.elevatorId, s.ts);
    }
    for (const r of m.meters) {
      meters.push(r);
      if (!touch.meter || r.ts > touch.meter.ts) touch.meter = r;
      markDirty(r.elevatorId, r.ts);
    }
    for (const e of m.events) {
      events.push(e);
      markDirty(e.elevatorId, e.ts);
    }
  }
  return { status, events, meters, touches: [...touches.values()], dirty: [...dirty.values()] };
}

/** The first record of a message, for naming it in a log line. */
function firstSeq(m: PendingMessage): number | string {
  return m.status[0]?.seq ?? m.events[0]?.seq ?? m.meters[0]?.seq ?? '-';
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
  private readonly lanes: Lane[];
  private pendingMessages = 0;
  private readonly receivedCounts = new Map<string, number>();
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
    this.lanes = Array.from({ length: config.ingest.lanes }, () => ({
      current: newBatch(),
      timer: null,
      timerAt: 0,
      busy: false,
      live: new LiveWritePlanner(config.ingest.liveRefreshMs),
    }));
  }

  /** Adds a rule that runs inside every batch transaction (see BatchHook). */
  addBatchHook(hook: BatchHook): void {
    this.hooks.push(hook);
  }

  /** Counts a refusal of an authenticated device's message; logged once a minute per device and reason. */
  countRejection(serial: string, reason: RejectReason, detail: string): void {
    this.metrics.rejected.inc({ reason });
    this.rejectLog.warn(
      `${serial}:${reason}`,
      `device ${shown(serial)}: message refused (${reason}): ${shown(detail, 200)}`,
    );
  }

  /**
   * Counts a refusal decided at the connection (authentication, ACL). The client id and topic are
   * the client's own choice, so the log is rate-limited by reason and remote address (varying
   * the id does not get past it) and logs them cut short.
   */
  countConnectionRejection(
    reason: RejectReason,
    client: { clientId: string; remoteAddress?: string },
    detail: string,
  ): void {
    this.metrics.rejected.inc({ reason });
    const from = client.remoteAddress ?? 'unknown address';
    this.rejectLog.warn(
      `${reason}@${from}`,
      `connection from ${shown(from, 64)} (client id ${shown(client.clientId)}) refused (${reason}): ${shown(detail, 200)}`,
    );
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
    return (await this.submit(serial, channel, payload, receivedAt)).outcome;
  }

  /**
   * Takes one message in and resolves as soon as it is queued for a batch — the caller may read
   * the device's next message then — with the outcome that settles after commit. While more than
   * INGEST_MAX_PENDING_ROWS rows wait, it does not resolve (back-pressure on the caller).
   */
  submit(serial: string, channel: string, payload: Buffer, receivedAt = Date.now()): Promise<Admission> {
    let settle: (o: IngestOutcome) => void = () => undefined;
    const outcome = new Promise<IngestOutcome>((resolve) => (settle = resolve));
    const admission: Admission = { outcome };
    const queued = this.accept(serial, channel, payload, receivedAt, settle);
    return queued ? queued.then(() => admission) : Promise.resolve(admission);
  }

  /**
   * `submit` without promises, for the broker's hot path (a promise and its reactions per message
   * were a good part of the garbage at 10 000 msg/s). `settled` is called once: when the message's
   * rows are committed, or when it is refused (possibly before `accept` returns). Returns null when
   * the message was taken in at once (queued or refused); otherwise a promise that resolves once it
   * is — while more than INGEST_MAX_PENDING_ROWS rows wait (back-pressure) or while an unknown
   * serial is looked up.
   */
  accept(
    serial: string,
    channel: string,
    payload: Buffer,
    receivedAt: number,
    settled: (o: IngestOutcome) => void,
  ): Promise<void> | null {
    // Counted here, added to the metric once per batch (a labelled inc costs a hash per call).
    const key = isDeviceChannel(channel) ? channel : 'other';
    this.receivedCounts.set(key, (this.receivedCounts.get(key) ?? 0) + 1);
    const device = this.directory.peek(serial);
    if (device && this.pendingRows < this.config.ingest.maxPendingRows) {
      this.admit(serial, channel, payload, receivedAt, device, settled);
      return null;
    }
    return this.acceptSlow(serial, channel, payload, receivedAt, device, settled);
  }

  private async acceptSlow(
    serial: string,
    channel: string,
    payload: Buffer,
    receivedAt: number,
    known: DeviceRef | undefined,
    settled: (o: IngestOutcome) => void,
  ): Promise<void> {
    const device = known ?? (await this.directory.lookup(serial));
    if (!device) return this.refuse(serial, 'unknown_device', 'no active device with this serial', settled);
    while (this.pendingRows >= this.config.ingest.maxPendingRows && !this.closing) {
      await new Promise<void>((resolve) => this.capacityWaiters.push(resolve));
    }
    this.admit(serial, channel, payload, receivedAt, device, settled);
  }

  private admit(
    serial: string,
    channel: string,
    payload: Buffer,
    receivedAt: number,
    device: DeviceRef,
    settled: (o: IngestOutcome) => void,
  ): void {
    const decoded = decodeDeviceMessage(channel, payload, device, receivedAt, this.limits);
    if (!decoded.ok) return this.refuse(serial, decoded.reason, decoded.detail, settled);
    for (const reason in decoded.itemRejections) {
      const n = decoded.itemRejections[reason as RejectReason] ?? 0;
      this.metrics.rejected.inc({ reason }, n);
      this.rejectLog.warn(`${serial}:${reason}`, `device ${serial}: ${n} batch item(s) refused (${reason})`);
    }
    for (const e of decoded.events) if (!eventCodeInfo(e.code)) this.metrics.unknownEventCodes.inc();
    this.enqueue(serial, device, decoded, receivedAt, settled);
  }

  /** Messages (and their rows) taken in and not yet committed: queued or in a transaction. */
  get pending(): { messages: number; rows: number } {
    return { messages: this.pendingMessages, rows: this.pendingRows };
  }

  /**
   * Waits until everything received so far is committed, live-state rows that were waiting
   * (INGEST_LIVE_REFRESH_MS) included (shutdown, tests).
   */
  async drain(): Promise<void> {
    const waiting = (l: Lane): boolean => l.current.messages.length > 0 || l.live.waitingCount > 0;
    while (this.lanes.some((l) => l.busy || waiting(l))) {
      for (const lane of this.lanes) if (!lane.busy && waiting(lane)) this.flushNow(lane, true);
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

  /** Adds the messages counted since the last batch to the metric. */
  private addReceived(): void {
    for (const [channel, n] of this.receivedCounts) this.metrics.received.inc({ channel }, n);
    this.receivedCounts.clear();
  }

  private refuse(
    serial: string,
    reason: RejectReason,
    detail: string,
    settled: (o: IngestOutcome) => void,
  ): void {
    this.addReceived(); // a refused message may start no batch
    this.countRejection(serial, reason, detail);
    settled({ stored: false, reason });
  }

  private enqueue(
    serial: string,
    device: DeviceRef,
    decoded: { status: StatusRow[]; events: EventRow[]; meters: MeterRow[]; online?: boolean },
    receivedAt: number,
    settled: (o: IngestOutcome) => void,
  ): void {
    const lane = this.lanes[laneOf(device.elevatorId, this.lanes.length)];
    const b = lane.current;
    const rows = decoded.status.length + decoded.events.length + decoded.meters.length;
    b.messages.push({
      serial,
      device,
      status: decoded.status,
      events: decoded.events,
      meters: decoded.meters,
      online: decoded.online,
      receivedAt,
      rows,
      settled,
    });
    if (b.messages.length === 1) b.openedAt = performance.now();
    b.rows += rows;
    this.pendingRows += rows;
    this.pendingMessages++;
    if (!lane.busy) this.schedule(lane); // else taken up when the lane's transaction ends
  }

  /**
   * Writes the lane's batch once it is full or its first message has waited INGEST_FLUSH_MS —
   * the wait that makes batches, and so the cost per message, grow with the load while keeping
   * the latency bounded.
   */
  private schedule(lane: Lane): void {
    const b = lane.current;
    if (b.messages.length === 0) {
      // An idle lane still writes its waiting live-state rows when they are due.
      const due = lane.live.nextDueAt();
      if (due === null) return;
      const wait = due - Date.now();
      if (wait <= 0) this.flushNow(lane);
      else this.arm(lane, wait, true);
      return;
    }
    const waited = performance.now() - b.openedAt;
    if (b.rows >= this.config.ingest.batchRows || waited >= this.config.ingest.flushMs) {
      this.flushNow(lane);
      return;
    }
    this.arm(lane, this.config.ingest.flushMs - waited, false);
  }

  /** Makes the lane's timer fire within `delayMs` (an earlier one stays). */
  private arm(lane: Lane, delayMs: number, idle: boolean): void {
    const at = performance.now() + delayMs;
    if (lane.timer) {
      if (lane.timerAt <= at) return;
      clearTimeout(lane.timer);
    }
    lane.timerAt = at;
    lane.timer = setTimeout(() => this.onTimer(lane), Math.ceil(delayMs));
    if (idle) lane.timer.unref(); // waiting live-state rows alone do not keep the process up
  }

  private onTimer(lane: Lane): void {
    lane.timer = null;
    if (!lane.busy) this.schedule(lane);
  }

  private flushNow(lane: Lane, everything = false): void {
    if (lane.timer) {
      clearTimeout(lane.timer);
      lane.timer = null;
    }
    const batch = lane.current;
    lane.current = newBatch();
    lane.busy = true;
    this.metrics.pendingRows.set(this.pendingRows);
    this.addReceived();
    void this.writeSplitting(lane, batch.messages, everything).finally(() => {
      lane.busy = false;
      this.pendingRows -= batch.rows;
      this.pendingMessages -= batch.messages.length;
      this.metrics.pendingRows.set(this.pendingRows);
      if (this.pendingRows < this.config.ingest.maxPendingRows) {
        for (const w of this.capacityWaiters.splice(0)) w();
      }
      this.schedule(lane);
    });
  }

  /**
   * Commits a batch. The database's own failures (connection lost, server down) are retried for as
   * long as it takes, acknowledging nothing meanwhile. When the database refuses the batch for
   * its content, the batch is split in halves and each half written on its own, down to single
   * messages: every message it accepts is stored, and only the ones it refuses by themselves are
   * counted (`db_refused`) and acknowledged unstored — one device's bad data never costs another
   * device's acknowledged messages.
   */
  private async writeSplitting(lane: Lane, messages: PendingMessage[], everything: boolean): Promise<void> {
    const result = await this.commitWithRetry(lane, messages, everything);
    if (result.kind !== 'refused') return;
    if (messages.length > 1) {
      const mid = Math.ceil(messages.length / 2);
      await this.writeSplitting(lane, messages.slice(0, mid), everything);
      await this.writeSplitting(lane, messages.slice(mid), everything);
      return;
    }
    const [m] = messages;
    if (!m) {
      // Only waiting live-state rows, and the database refuses them (their elevator is gone):
      // the samples behind them are stored; the next sample writes the row again.
      this.logger.warn(`waiting live-state rows refused by the database, dropped: ${result.why}`);
      return;
    }
    this.metrics.rejected.inc({ reason: 'db_refused' });
    this.rejectLog.warn(
      `${m.serial}:db_refused`,
      `device ${m.serial.slice(0, 64)}: message seq ${firstSeq(m)} refused by the database, not stored: ${result.why}`,
    );
    m.settled({ stored: false, reason: 'db_refused' });
  }

  /** One transaction for `messages`; 'refused' when the database refuses their content. */
  private async commitWithRetry(
    lane: Lane,
    messages: PendingMessage[],
    everything: boolean,
  ): Promise<{ kind: 'committed' | 'abandoned' } | { kind: 'refused'; why: string }> {
    const rows = assembleRows(messages);
    // The lane has this one transaction in flight: nothing else changes the plan's state meanwhile.
    const plan = lane.live.plan(rows.touches, Date.now(), everything);
    let attempt = 0;
    for (;;) {
      attempt++;
      const stop = this.metrics.flushSeconds.startTimer();
      const q = this.ds.createQueryRunner();
      try {
        await q.connect();
        await q.startTransaction();
        const written = await this.repo.writeBatch(q, { ...rows, touches: plan.write });
        const { status, meters, newEvents } = written;
        const events = newEvents.length;
        const live = written.live.map((r) => LiveState.of(r));
        const afterCommit: Array<() => void> = [];
        for (const hook of this.hooks) {
          const after = await hook(q, { status: rows.status, newEvents, live });
          if (after) afterCommit.push(after);
        }
        // An ingest-only process has no gateway of its own: api processes get the states by NOTIFY,
        // which PostgreSQL delivers only if this transaction commits.
        if (this.config.role === 'ingest') await notifyLiveStates(q, live);
        await q.commitTransaction();
        stop();
        lane.live.committed(plan, written.live, Date.now());
        this.afterCommit(messages, rows, live, { status, events, meters });
        for (const after of afterCommit) after();
        return { kind: 'committed' };
      } catch (err) {
        stop();
        if (q.isTransactionActive) await q.rollbackTransaction().catch(() => undefined);
        this.metrics.flushFailures.inc();
        const message = err instanceof Error ? err.message : String(err);
        if (isRefusedContent(err)) {
          // A single message refused: the waiting rows it took along must not poison the next batch.
          if (messages.length <= 1) lane.live.discard(plan);
          return { kind: 'refused', why: `${sqlState(err)} ${message.slice(0, 200)}` };
        }
        if (this.closing) {
          // Shutting down with the database gone: leave the messages unacknowledged (devices
          // resend them to the next process) instead of retrying against a closed pool.
          this.logger.warn(`shutting down: ${messages.length} message(s) left unacknowledged (${message})`);
          return { kind: 'abandoned' };
        }
        this.errorLog.warn('flush', `batch write failed (attempt ${attempt}), retrying: ${message}`);
        if (isMissingPartition(err)) await this.ensurePartitions(rows.status).catch(() => undefined);
        await new Promise((r) => setTimeout(r, retryDelayMs(attempt)));
      } finally {
        await q.release().catch(() => undefined);
      }
    }
  }

  /** Creates the daily partitions the given samples fall into (plain PostgreSQL mode). */
  private async ensurePartitions(status: readonly StatusRow[]): Promise<void> {
    if (status.length === 0) return;
    let min = Infinity;
    let max = -Infinity;
    for (const s of status) {
      if (s.ts < min) min = s.ts;
      if (s.ts > max) max = s.ts;
    }
    await this.repo.ensurePartitionsFor(this.ds.manager, min, max, this.config.businessTimeZone);
  }

  private afterCommit(
    messages: readonly PendingMessage[],
    batch: BatchRows,
    live: LiveState[],
    inserted: CommitReport['inserted'],
  ): void {
    const committedAt = Date.now();
    this.metrics.rowsCommitted.inc({ table: 'telemetry_status' }, inserted.status);
    this.metrics.rowsCommitted.inc({ table: 'device_events' }, inserted.events);
    this.metrics.rowsCommitted.inc({ table: 'meter_readings' }, inserted.meters);
    this.metrics.duplicates.inc({ table: 'telemetry_status' }, batch.status.length - inserted.status);
    this.metrics.duplicates.inc({ table: 'device_events' }, batch.events.length - inserted.events);
    this.metrics.duplicates.inc({ table: 'meter_readings' }, batch.meters.length - inserted.meters);
    for (const t of batch.touches) {
      // Latency of live data only; replayed history would swamp the figure.
      if (t.status && committedAt - t.status.ts < 60_000) {
        this.metrics.deviceToCommitSeconds.observe((committedAt - t.status.ts) / 1000);
      }
    }
    for (const m of messages) {
      // The batch is committed whatever a listener does: a throwing one must not make it a failure.
      try {
        m.settled(DONE);
      } catch (err) {
        this.errorLog.warn('settled', `acknowledging a committed message failed: ${String(err)}`);
      }
    }
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
