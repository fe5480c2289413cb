import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type QueryRunner } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import {
  ALARM_CHANNEL,
  type BatchView,
  IngestService,
  notifyJson,
  type StatusRow,
} from '@liftwatch/telemetry';
import { AlarmRepository, type AlarmRow } from './alarm.repository';
import {
  ALARM_BUTTON_CODE,
  alarmTypeForCode,
  alarmTypeInfo,
  type AlarmTypeInfo,
  DOOR_FAULT_CODES,
  REPEATED_DOOR_FAULT_WINDOW_S,
  REPEATED_DOOR_FAULTS,
} from './alarm-types';
import { AlarmBus, AlarmView } from './alarm-view';
import { type ConditionRun, scanCondition } from './entrapment.rule';
import { IncidentReporter } from './rescue/incident-reporter';
import { RescueRepository } from './rescue/rescue.repository';

const ENTRAPMENT = alarmTypeInfo('entrapment') as AlarmTypeInfo;
const OVERSPEED = alarmTypeInfo('overspeed') as AlarmTypeInfo;
const REPEATED_DOOR = alarmTypeInfo('repeated_door_fault') as AlarmTypeInfo;
/**
 * A held condition is written to rule_state once it has lasted this long (device time): shorter
 * ones — every stop with a passenger aboard and the doors closed, a second before the car moves —
 * stay in memory, so normal traffic costs no writes. The price: a restart within these first
 * seconds of an entrapment restarts its timer.
 */
const PERSIST_AFTER_MS = 3000;

/** A car faster than this share of its rated speed is overspeeding (the governor trips near 115 %). */
const OVERSPEED_RATIO = 1.15;

/**
 * Alarm rules in the ingest path: runs inside each batch's transaction, so an alarm exists if and
 * only if the data that raised it was committed, and a batch replayed after a crash does not
 * raise it twice (only events stored for the first time count).
 *
 * - device-reported faults open (or count onto) the alarm of their type; a `clear` ends the
 *   condition and resolves the alarm where the type allows;
 * - entrapment is also derived from status samples (see entrapment.rule.ts); the condition's
 *   start is kept in `rule_state`, so the 30 s timer survives a restart and is measured in device
 *   time; the sweeper opens alarms for conditions whose device went silent;
 * - overspeed: a sample faster than 115 % of the elevator's rated speed.
 */
@Injectable()
export class AlarmEngine implements OnApplicationBootstrap {
  /** Elevators with a condition in rule_state → its start (device time). */
  private holding = new Map<string, number>();
  /** Conditions too young to persist yet: elevator → start (device time). */
  private readonly pending = new Map<string, number>();
  /** Never later than half the entrapment threshold. */
  private readonly persistAfterMs: number;
  private ratedSpeed = new Map<string, number>();
  private ratedLoadedAt = 0;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: AlarmRepository,
    private readonly bus: AlarmBus,
    private readonly ingest: IngestService,
    private readonly reporter: IncidentReporter,
    private readonly rescue: RescueRepository,
  ) {
    this.persistAfterMs = Math.min(PERSIST_AFTER_MS, (config.alarms.entrapmentSeconds * 1000) / 2);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.holding = await this.repo.activeConditions(this.ds.manager, 'entrapment');
    await this.loadRatedSpeeds();
    this.ingest.addBatchHook((q, batch) => this.onBatch(q, batch));
  }

  async onBatch(q: QueryRunner, batch: BatchView): Promise<() => void> {
    const changed: AlarmRow[] = [];
    await this.deviceEvents(q, batch, changed);
    await this.derivedRules(q, batch.status, changed);
    // An ingest-only process has no dashboards: api processes learn of the change by NOTIFY,
    // delivered only if this batch commits (see AlarmRelay).
    if (this.config.role === 'ingest' && changed.length > 0)
      await notifyJson(q, ALARM_CHANNEL, [...new Set(changed.map((a) => a.id))]);
    return () => this.bus.publish(changed.map((a) => AlarmView.of(a)));
  }

  private async deviceEvents(q: QueryRunner, batch: BatchView, changed: AlarmRow[]): Promise<void> {
    // Reports of one condition in one batch become one statement with a count.
    const reports = new Map<
      string,
      { elevatorId: string; type: AlarmTypeInfo; first: number; last: number; count: number }
    >();
    const clears: Array<{ elevatorId: string; type: AlarmTypeInfo; ts: number }> = [];
    // the first press of the alarm button in this batch, per car (a press is a report, not a condition)
    const buttons = new Map<string, number>();
    for (const e of batch.newEvents) {
      if (e.code === ALARM_BUTTON_CODE) {
        if (e.state !== 'clear') buttons.set(e.elevatorId, Math.min(buttons.get(e.elevatorId) ?? e.ts, e.ts));
        continue;
      }
      const type = alarmTypeForCode(e.code);
      if (!type) continue;
      if (e.state === 'clear') {
        clears.push({ elevatorId: e.elevatorId, type, ts: e.ts });
        continue;
      }
      const key = `${e.elevatorId}|${type.type}`;
      const r = reports.get(key);
      if (r) {
        r.count++;
        r.first = Math.min(r.first, e.ts);
        r.last = Math.max(r.last, e.ts);
      } else {
        reports.set(key, { elevatorId: e.elevatorId, type, first: e.ts, last: e.ts, count: 1 });
      }
    }
    for (const r of [...reports.values()].sort((a, b) => (a.elevatorId < b.elevatorId ? -1 : 1))) {
      if (r.type.type === 'entrapment') {
        const superseded = await this.repo.closeReleasedEntrapment(q, r.elevatorId, r.first);
        if (superseded) changed.push(superseded);
      }
      const { alarm, created } = await this.repo.report(
        q,
        r.elevatorId,
        r.type,
        'device',
        r.first,
        r.last,
        r.count,
      );
      changed.push(alarm);
      if (!created && r.type.type === 'entrapment') await this.confirm(q, alarm, r.first, changed);
      if (DOOR_FAULT_CODES.includes(r.type.type.replace('fault_', '')))
        await this.repeatedDoorFaults(q, r.elevatorId, r.last, changed);
    }
    for (const [elevatorId, ts] of [...buttons].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const { alarm } = await this.reporter.record(q.manager, {
        elevatorId,
        channel: 'alarm_button',
        kind: 'trapped',
        at: new Date(ts),
        text: null,
        callbackPhone: null,
        recordedBy: null,
        recordedByName: 'system',
      });
      changed.push(alarm);
    }
    for (const c of clears.sort((a, b) => a.ts - b.ts)) {
      const open = await this.repo.findOpen(q, c.elevatorId, c.type.type);
      if (open && open.first_seen_ts.getTime() <= c.ts)
        changed.push(await this.repo.conditionCleared(q, open, c.ts, c.type.autoClear));
      if (c.type.type === 'entrapment') await this.endEntrapment(q, c.elevatorId, c.ts, changed, false);
    }
  }

  private async derivedRules(
    q: QueryRunner,
    status: readonly StatusRow[],
    changed: AlarmRow[],
  ): Promise<void> {
    const byElevator = new Map<string, StatusRow[]>();
    let overspeed: StatusRow[] = [];
    await this.loadRatedSpeeds();
    // Only elevators where something can happen: a passenger aboard somewhere in the batch, or a
    // condition held. All of such an elevator's samples count (the release has no passenger).
    const aboard = new Set<string>();
    for (const s of status) if (s.passenger === true) aboard.add(s.elevatorId);
    for (const s of status) {
      const rated = this.ratedSpeed.get(s.elevatorId);
      if (rated && s.speedMps !== null && s.speedMps > rated * OVERSPEED_RATIO) overspeed.push(s);
      if (!aboard.has(s.elevatorId) && !this.holding.has(s.elevatorId) && !this.pending.has(s.elevatorId))
        continue;
      let list = byElevator.get(s.elevatorId);
      if (!list) byElevator.set(s.elevatorId, (list = []));
      list.push(s);
    }
    // Ordinary traffic (conditions that start, last a few seconds and end without reaching the
    // threshold) is decided in memory and written set-based: all held conditions that ended in
    // one DELETE, their alarms (if any) in one SELECT, all conditions to keep in one upsert.
    // Only an elevator whose condition reaches the threshold in this batch takes the
    // per-elevator path (it raises an alarm: rare, and worth its round trips).
    const thresholdMs = this.config.alarms.entrapmentSeconds * 1000;
    const ends: Array<{ elevatorId: string; endedTs: number; since: number | null }> = [];
    const holds: Array<{ elevatorId: string; since: number; last: number }> = [];
    for (const [elevatorId, samples] of [...byElevator].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const known = this.holding.get(elevatorId) ?? this.pending.get(elevatorId) ?? null;
      const run = scanCondition(samples, known !== null || this.holding.has(elevatorId));
      if (this.reachesThreshold(run, known, thresholdMs)) {
        await this.elevatorRules(q, elevatorId, run, changed);
        continue;
      }
      for (const ended of run.ended) {
        this.pending.delete(elevatorId);
        if (this.holding.has(elevatorId)) {
          ends.push({ elevatorId, endedTs: ended.endedAt, since: this.holding.get(elevatorId) ?? null });
          this.holding.delete(elevatorId);
        }
      }
      if (run.holdingSince !== null && run.lastTs !== null) {
        const earlier = run.ended.length === 0 ? known : null;
        const since = Math.min(run.holdingSince, earlier ?? run.holdingSince);
        if (!this.holding.has(elevatorId) && run.lastTs - since < this.persistAfterMs) {
          this.pending.set(elevatorId, since);
          continue;
        }
        this.pending.delete(elevatorId);
        holds.push({ elevatorId, since, last: run.lastTs });
      }
    }
    if (ends.length > 0) {
      const began = await this.repo.endConditions(q, 'entrapment', ends);
      const of = ends.map((e) => ({ elevatorId: e.elevatorId, since: began.get(e.elevatorId) ?? e.since }));
      const endedAt = new Map(ends.map((e) => [e.elevatorId, e.endedTs]));
      for (const alarm of await this.repo.conditionAlarms(q, 'entrapment', of)) {
        const ts = endedAt.get(alarm.elevator_id) as number;
        if (alarm.condition_cleared_ts === null && alarm.first_seen_ts.getTime() <= ts)
          changed.push(await this.repo.conditionCleared(q, alarm, ts, false));
      }
    }
    if (holds.length > 0) {
      for (const [elevatorId, since] of await this.repo.holdConditions(q, 'entrapment', holds))
        this.holding.set(elevatorId, since);
    }
    overspeed = overspeed.sort((a, b) =>
      a.elevatorId < b.elevatorId ? -1 : a.elevatorId > b.elevatorId ? 1 : a.ts - b.ts,
    );
    for (const s of overspeed) {
      const { alarm, created } = await this.repo.report(q, s.elevatorId, OVERSPEED, 'rule', s.ts, s.ts, 1);
      if (created) changed.push(alarm);
    }
  }

  /** Whether a condition run of these samples lasts the entrapment threshold (needs alarm work). */
  private reachesThreshold(run: ConditionRun, known: number | null, thresholdMs: number): boolean {
    let carried = known;
    for (const ended of run.ended) {
      const since = ended.since ?? carried;
      if (ended.lastTs !== null && since !== null && ended.lastTs - since >= thresholdMs) return true;
      carried = null;
    }
    if (run.holdingSince === null || run.lastTs === null) return false;
    return run.lastTs - Math.min(run.holdingSince, carried ?? run.holdingSince) >= thresholdMs;
  }

  /** One elevator whose condition reaches the threshold in this batch: raise, release, hold. */
  private async elevatorRules(
    q: QueryRunner,
    elevatorId: string,
    run: ConditionRun,
    changed: AlarmRow[],
  ): Promise<void> {
    for (const ended of run.ended) {
      // The run may have crossed the threshold inside this batch (a replayed buffer, or the
      // remainder of a held condition): raise the alarm before recording the release.
      const since = ended.since ?? this.pending.get(elevatorId) ?? null;
      this.pending.delete(elevatorId);
      const wasHeld = this.holding.has(elevatorId);
      let raised: AlarmRow | null = null;
      let heldSince = since;
      if (ended.lastTs !== null && (since !== null || wasHeld)) {
        // A condition that began and ended inside this batch is never written to rule_state.
        const held = wasHeld
          ? await this.hold(q, elevatorId, since ?? ended.lastTs, ended.lastTs)
          : { since: since ?? ended.lastTs, last: ended.lastTs };
        heldSince = held.since;
        raised = await this.raiseEntrapment(q, elevatorId, held, changed);
        if (raised) {
          // Already over when it reached the platform (replayed from the device's buffer): it
          // is recorded with its outcome below and, released, never escalates.
          await this.repo.append(q, raised.id, 'reported_after_release', null, 'system', null, {
            releasedTs: new Date(ended.endedAt).toISOString(),
          });
        }
      }
      if (wasHeld || raised) await this.endEntrapment(q, elevatorId, ended.endedAt, changed, true, heldSince);
    }
    if (run.holdingSince !== null && run.lastTs !== null) {
      const since = Math.min(run.holdingSince, this.pending.get(elevatorId) ?? run.holdingSince);
      if (!this.holding.has(elevatorId) && run.lastTs - since < this.persistAfterMs) {
        this.pending.set(elevatorId, since);
        return;
      }
      this.pending.delete(elevatorId);
      await this.raiseEntrapment(q, elevatorId, await this.hold(q, elevatorId, since, run.lastTs), changed);
    }
  }

  /** Records (or extends) the held condition in rule_state, so its timer survives a restart. */
  private async hold(
    q: QueryRunner,
    elevatorId: string,
    since: number,
    last: number,
  ): Promise<{ since: number; last: number }> {
    const held = await this.repo.holdCondition(q, elevatorId, 'entrapment', since, last);
    this.holding.set(elevatorId, held.since);
    return held;
  }

  /**
   * Opens the entrapment alarm once the condition has held for the threshold. The platform counts
   * itself notified at that moment in device time (start + threshold), and the rescue deadline
   * runs from there. An entrapment already open (a passenger's report, a call, the alarm button)
   * is joined: one incident, the earliest report's clock, marked confirmed by the car's data. One
   * condition raises one alarm: when its alarm was closed by hand while the device still reported
   * the passenger aboard, the sweeper reopens that same alarm if the condition persists
   * (RescueRepository.persistingAfterClosure). Returns the alarm when this call created it.
   */
  private async raiseEntrapment(
    q: QueryRunner,
    elevatorId: string,
    held: { since: number; last: number },
    changed: AlarmRow[],
  ): Promise<AlarmRow | null> {
    const thresholdMs = this.config.alarms.entrapmentSeconds * 1000;
    if (held.last - held.since < thresholdMs) return null;
    const superseded = await this.repo.closeReleasedEntrapment(q, elevatorId, held.since);
    if (superseded) changed.push(superseded);
    const open = await this.repo.findOpen(q, elevatorId, 'entrapment');
    if (!open && (await this.repo.closedSince(q, elevatorId, 'entrapment', held.since))) return null;
    const { alarm, created } = await this.repo.report(
      q,
      elevatorId,
      ENTRAPMENT,
      'rule',
      held.since,
      held.last,
      1,
      held.since + thresholdMs,
    );
    if (!created) {
      await this.confirm(q, alarm, held.since, changed);
      return null;
    }
    changed.push(alarm);
    return alarm;
  }

  /** The car's own data joins an entrapment someone reported (once, on the timeline). */
  private async confirm(q: QueryRunner, alarm: AlarmRow, since: number, changed: AlarmRow[]): Promise<void> {
    if (alarm.device_confirmed_ts !== null) return;
    const confirmed = await this.rescue.confirmByDevice(q.manager, alarm.id, Date.now());
    if (!confirmed) return;
    await this.repo.append(q, alarm.id, 'device_confirmed', null, 'system', null, {
      conditionSince: new Date(since).toISOString(),
    });
    changed.push(confirmed);
  }

  /** Several door faults within the window: a worn door operator, worth a visit of its own. */
  private async repeatedDoorFaults(
    q: QueryRunner,
    elevatorId: string,
    lastTs: number,
    changed: AlarmRow[],
  ): Promise<void> {
    const row = await this.repo.doorFaultsBefore(
      q,
      elevatorId,
      DOOR_FAULT_CODES,
      lastTs,
      REPEATED_DOOR_FAULT_WINDOW_S,
    );
    if (row.n < REPEATED_DOOR_FAULTS) return;
    const { alarm, created } = await this.repo.report(
      q,
      elevatorId,
      REPEATED_DOOR,
      'rule',
      row.first,
      lastTs,
      1,
    );
    if (created) changed.push(alarm);
  }

  /**
   * The car moved or the device reported release: end the held condition and record the release
   * on the condition's alarm — also when it was closed by hand before the passenger got out
   * (the trapped time is evidence for a claim either way).
   */
  private async endEntrapment(
    q: QueryRunner,
    elevatorId: string,
    ts: number,
    changed: AlarmRow[],
    fromStatus: boolean,
    knownSince: number | null = null,
  ): Promise<void> {
    const since = (await this.repo.endCondition(q, elevatorId, 'entrapment', ts)) ?? knownSince;
    this.holding.delete(elevatorId);
    if (!fromStatus) return;
    const alarm =
      (await this.repo.findOpen(q, elevatorId, 'entrapment')) ??
      (since !== null ? await this.repo.closedSince(q, elevatorId, 'entrapment', since) : null);
    if (alarm && alarm.condition_cleared_ts === null && alarm.first_seen_ts.getTime() <= ts) {
      changed.push(await this.repo.conditionCleared(q, alarm, ts, false));
    }
  }

  private async loadRatedSpeeds(): Promise<void> {
    if (Date.now() - this.ratedLoadedAt < 60_000) return;
    this.ratedLoadedAt = Date.now();
    this.ratedSpeed = await this.repo.ratedSpeeds(this.ds.manager);
  }
}
