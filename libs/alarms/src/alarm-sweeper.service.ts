import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { AlarmRepository, type AlarmRow } from './alarm.repository';
import { alarmTypeInfo, type AlarmTypeInfo } from './alarm-types';
import { AlarmBus, AlarmView } from './alarm-view';
import { EscalationService } from './escalation/escalation.service';
import { RescueRepository } from './rescue/rescue.repository';

const LOCK_ALARM_SWEEP = 7_301_003;
const ENTRAPMENT = alarmTypeInfo('entrapment') as AlarmTypeInfo;
const OFFLINE = alarmTypeInfo('offline') as AlarmTypeInfo;
/** How long after an entrapment began the elevator's data is searched for rescuers' traces. */
const DEVICE_ARRIVAL_WINDOW_MS = 6 * 3_600_000;

/**
 * Time-driven alarm work, every ALARM_SWEEP_MS under a database advisory lock (one replica at a
 * time; an overlapping run is skipped):
 * - entrapment conditions that have lasted long enough while the device went silent;
 * - rescue deadlines: "deadline near" ALARM_ESCALATE_BEFORE_DEADLINE_S before, "deadline passed"
 *   after (TSG T5002: arrival within 30 min in cities, 1 h elsewhere; per region);
 * - devices offline (Last Will, or nothing heard for ALARM_OFFLINE_AFTER_S), and back online;
 * - entrapments closed by hand that the car goes on reporting: reopened as the same incident;
 * - rescue alarms nobody acknowledged: the escalation chain, every ALARM_ACK_ESCALATE_S.
 */
@Injectable()
export class AlarmSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AlarmSweeper.name);
  private busy = false;
  private lastSlowSweep = 0;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: AlarmRepository,
    private readonly bus: AlarmBus,
    private readonly scheduler: SchedulerRegistry,
    private readonly rescue: RescueRepository,
    private readonly escalation: EscalationService,
  ) {}

  onApplicationBootstrap(): void {
    const handle = setInterval(() => void this.tick(), this.config.alarms.sweepMs);
    handle.unref();
    this.scheduler.addInterval('alarm-sweep', handle);
  }

  onModuleDestroy(): void {
    if (this.scheduler.doesExist('interval', 'alarm-sweep')) this.scheduler.deleteInterval('alarm-sweep');
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.sweep();
    } catch (err) {
      this.logger.warn(`alarm sweep failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.busy = false;
    }
  }

  /**
   * One sweep; returns the alarms it changed. Safe to run concurrently (advisory lock). `full`
   * runs the slower scans (deadlines, arrival evidence, offline) whatever their own pace.
   */
  async sweep(full = false): Promise<AlarmView[]> {
    const changed = await this.ds.transaction(async (em) => {
      if (!(await this.repo.tryLock(em, LOCK_ALARM_SWEEP))) return [];
      const out: AlarmRow[] = [];
      await this.entrapmentTimers(em, out);
      await this.reopenPersisting(em, out);
      for (const id of await this.escalation.escalate(em)) {
        const row = await this.repo.byId(em, id);
        if (row) out.push(row);
      }
      // Deadlines and offline scans read every elevator's state: a few seconds' granularity is
      // plenty for them, and scanning a hot table twice a second costs the ingest path latency.
      const slowEveryMs = Math.min(5000, (this.config.alarms.offlineAfterS * 1000) / 2);
      if (full || Date.now() - this.lastSlowSweep >= slowEveryMs) {
        this.lastSlowSweep = Date.now();
        await this.escalations(em, out);
        await this.deviceArrivals(em, out);
        await this.offline(em, out);
      }
      return out;
    });
    const views = changed.map((a) => AlarmView.of(a));
    this.bus.publish(views);
    return views;
  }

  private async entrapmentTimers(em: EntityManager, out: AlarmRow[]): Promise<void> {
    const due = await this.repo.dueConditions(
      em,
      'entrapment',
      'entrapment',
      this.config.alarms.entrapmentSeconds,
    );
    for (const d of due) {
      const { alarm, created } = await this.repo.report(
        em,
        d.elevatorId,
        ENTRAPMENT,
        'rule',
        d.since,
        d.last,
        1,
        d.since + this.config.alarms.entrapmentSeconds * 1000,
      );
      if (created) out.push(alarm);
    }
  }

  /**
   * An entrapment closed while the car still reported a passenger aboard, which the car goes on
   * reporting for the detection threshold after the closure, is opened again — the same incident,
   * its rescue clock unchanged, unacknowledged again (so the popup, the sound and the escalation
   * start over). A technician's inspection mode holds it back.
   */
  private async reopenPersisting(em: EntityManager, out: AlarmRow[]): Promise<void> {
    for (const closed of await this.rescue.persistingAfterClosure(em, this.config.alarms.entrapmentSeconds)) {
      const reopened = await this.rescue.reopen(em, closed.id);
      if (!reopened) continue;
      await this.repo.append(em, closed.id, 'reopened', null, 'system', null, {
        reason: 'car_still_reports_passenger',
        closedAt: closed.closed_at?.toISOString() ?? null,
        releaseMethod: closed.release_method,
        closedAs: closed.status,
      });
      out.push(reopened);
    }
  }

  private async escalations(em: EntityManager, out: AlarmRow[]): Promise<void> {
    // Only while people may still be trapped and nobody has arrived: a released entrapment (also
    // one replayed from a buffer after the fact) or one with rescuers on site never escalates.
    const rows = await this.repo.dueEscalations(em, this.config.alarms.escalateBeforeDeadlineS);
    for (const r of rows) {
      const level = Number(r.due_level);
      const after = await this.repo.escalate(
        em,
        r.id,
        level,
        level === 2 ? 'deadline_passed' : 'deadline_near',
      );
      if (after) out.push(after);
    }
  }

  /**
   * Looks in the elevator's own data for evidence that rescuers arrived (inspection mode switched
   * on, the car door opened after the release) for entrapments opened in the last day.
   */
  private async deviceArrivals(em: EntityManager, out: AlarmRow[]): Promise<void> {
    for (const alarm of await this.repo.awaitingDeviceArrival(em, 24)) {
      const found = await this.repo.deviceArrivalEvidence(em, alarm, DEVICE_ARRIVAL_WINDOW_MS);
      let after: AlarmRow | null = null;
      for (const e of found) {
        after = await this.repo.addArrival(em, alarm.id, {
          at: e.at,
          source: 'device',
          kind: e.kind,
          userId: null,
          username: 'system',
          reason: null,
        });
        await this.repo.append(em, alarm.id, 'arrival_evidence', null, 'system', null, {
          source: 'device',
          kind: e.kind,
          at: e.at.toISOString(),
        });
      }
      if (after) out.push(after);
    }
  }

  private async offline(em: EntityManager, out: AlarmRow[]): Promise<void> {
    const silent = await this.repo.silentWithoutOfflineAlarm(em, this.config.alarms.offlineAfterS);
    for (const s of silent) {
      const { alarm, created } = await this.repo.report(
        em,
        s.elevator_id,
        OFFLINE,
        'rule',
        Number(s.since),
        Number(s.since),
        1,
      );
      if (created) out.push(alarm);
    }
    for (const { alarm, lastSeenTs } of await this.repo.offlineButBack(
      em,
      this.config.alarms.offlineAfterS,
    )) {
      out.push(await this.repo.conditionCleared(em, alarm, lastSeenTs, true));
    }
  }
}
