import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { Sql } from '@liftwatch/database';
import { AuditService, type Principal } from '@liftwatch/access';
import {
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RuleViolationError,
} from '@liftwatch/contract';
import { VisibilityRepository } from '@liftwatch/registry';
import { FAULT_CODES } from '@liftwatch/telemetry';
import { type AlarmAction, type AlarmStatus, isClosed, transition } from './alarm-lifecycle';
import { AlarmReadRepository, type RescueRow } from './alarm-read.repository';
import { AlarmRepository, type AlarmRow } from './alarm.repository';
import { alarmTypeInfo } from './alarm-types';
import { AlarmBus, type AlarmDetail, AlarmView, ArrivalEvidence, TimelineEntry } from './alarm-view';

export interface AlarmQuery {
  status?: 'open' | 'closed' | AlarmStatus;
  type?: string;
  elevatorId?: string;
  /** opened at or after */
  from?: string;
  /** opened before */
  to?: string;
  limit: number;
  offset: number;
}

export interface FaultRateRow {
  manufacturerId: string | null;
  manufacturer: string | null;
  model: string | null;
  elevators: number;
  faults: number;
  faultsPerElevator: number;
}

export interface RescueGroup {
  /** entrapments in the period (by the moment the platform was notified) */
  entrapments: number;
  /** with any arrival evidence */
  arrived: number;
  /** arrival at or before the rescue deadline */
  withinLimit: number;
  /** withinLimit / entrapments (0–1), null without entrapments */
  withinLimitShare: number | null;
  /** released (the car moved) before anyone was recorded arriving */
  releasedBeforeArrival: number;
  /** median of arrival − notification, seconds */
  medianArrivalSeconds: number | null;
  /** how the arrivals that count were recorded */
  arrivalSources: Record<'check_in' | 'device' | 'manual' | 'status', number>;
}

export interface RescuePerformance extends RescueGroup {
  from: string;
  to: string;
  byFirm: Array<RescueGroup & { firmId: string | null; firm: string | null }>;
}

/** Roles that act on alarms: the maintenance firm (on elevators it maintains) and admins. */
const RESPONDERS = new Set(['admin', 'firm']);

@Injectable()
export class AlarmsService {
  private readonly timeZone: string;

  constructor(
    private readonly sql: Sql,
    private readonly reads: AlarmReadRepository,
    private readonly repo: AlarmRepository,
    private readonly visibility: VisibilityRepository,
    private readonly audit: AuditService,
    private readonly bus: AlarmBus,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.timeZone = config.businessTimeZone;
  }

  async list(p: Principal, q: AlarmQuery): Promise<[AlarmView[], number]> {
    const [rows, total] = await this.reads.page(this.visibility.elevators(p), {
      ...q,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
    });
    return [rows.map((r) => AlarmView.of(r)), total];
  }

  /** Alarms per type (with their names) over the caller's elevators, by the same filters as the list. */
  async countsByType(
    p: Principal,
    q: Omit<AlarmQuery, 'limit' | 'offset' | 'type'>,
  ): Promise<Array<{ type: string; nameZh: string; nameEn: string; count: number }>> {
    const rows = await this.reads.countsByType(this.visibility.elevators(p), {
      status: q.status,
      elevatorId: q.elevatorId,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
    });
    return rows.map((r) => {
      const info = alarmTypeInfo(r.type);
      return {
        type: r.type,
        nameZh: info?.nameZh ?? r.type,
        nameEn: info?.nameEn ?? r.type,
        count: Number(r.n),
      };
    });
  }

  async get(p: Principal, id: string): Promise<AlarmDetail> {
    const alarm = await this.find(p, id);
    const timeline = await this.repo.timeline(this.sql.ds.manager, id);
    const arrivals = await this.repo.arrivals(this.sql.ds.manager, [id]);
    return {
      ...AlarmView.of(alarm),
      timeline: timeline.map((t) => TimelineEntry.of(t)),
      arrivals: arrivals.map((a) => ArrivalEvidence.of(a)),
    };
  }

  /**
   * The technician checks in at the car (the phone flow after scanning the elevator's code): the
   * arrival is recorded at the platform's time of the request, and the alarm goes on site. A
   * scanned registration code must be this elevator's.
   */
  async checkIn(
    p: Principal,
    id: string,
    dto: { registrationCode?: string; note?: string },
  ): Promise<AlarmDetail> {
    const alarm = await this.findForResponder(p, id);
    if (dto.registrationCode) {
      if ((await this.reads.registrationCode(alarm.elevator_id)) !== dto.registrationCode) {
        throw new RuleViolationError('WRONG_ELEVATOR', 'the scanned code is not this alarm’s elevator', [
          { field: 'registrationCode', messages: ['does not match the alarm’s elevator'] },
        ]);
      }
    }
    return this.arrive(p, alarm, {
      at: new Date(),
      source: 'check_in',
      kind: 'check_in',
      reason: null,
      note: dto.note,
    });
  }

  /**
   * A back-dated arrival (the technician arrived before anyone could record it), with the reason;
   * audited. Never before the condition began, never in the future.
   */
  async recordArrival(p: Principal, id: string, dto: { at: string; reason: string }): Promise<AlarmDetail> {
    const alarm = await this.findForResponder(p, id);
    const at = new Date(dto.at);
    if (at.getTime() < alarm.first_seen_ts.getTime())
      throw InvalidInputError.field('at', 'arrival cannot be before the alarm’s condition began');
    if (at.getTime() > Date.now() + 60_000)
      throw InvalidInputError.field('at', 'arrival cannot be in the future');
    return this.arrive(p, alarm, {
      at,
      source: 'manual',
      kind: 'backdated',
      reason: dto.reason,
      note: dto.reason,
    });
  }

  private async arrive(
    p: Principal,
    alarm: AlarmRow,
    a: { at: Date; source: 'check_in' | 'manual'; kind: string; reason: string | null; note?: string },
  ): Promise<AlarmDetail> {
    if (isClosed(alarm.status as AlarmStatus))
      throw new ConflictError('ALARM_CLOSED', `the alarm is ${alarm.status} already`);
    const updated = await this.reads.transaction(async (em) => {
      let after = await this.repo.addArrival(em, alarm.id, { ...a, userId: p.userId, username: p.username });
      await this.repo.append(em, alarm.id, 'arrival_evidence', p.userId, p.username, a.note ?? null, {
        source: a.source,
        kind: a.kind,
        at: a.at.toISOString(),
      });
      const step = transition(after.status as AlarmStatus, 'on-site');
      if (step.ok) {
        after = (await this.repo.setStatus(em, alarm.id, after.status, step.to)) ?? after;
        await this.repo.append(em, alarm.id, step.to, p.userId, p.username, null, {
          from: alarm.status,
          by: a.source,
        });
      }
      await this.audit.record(em, p, `alarm.arrival.${a.source}`, 'alarm', alarm.id, {
        before: { status: alarm.status, arrivedAt: alarm.arrived_at },
        after: { status: after.status, arrivedAt: after.arrived_at, arrivalSource: after.arrival_source },
        at: a.at.toISOString(),
        reason: a.reason,
      });
      return after;
    });
    this.bus.publish([AlarmView.of(updated)]);
    return this.get(p, alarm.id);
  }

  /** A step of the alarm's handling, timestamped with who did it (timeline and audit log). */
  async act(p: Principal, id: string, action: AlarmAction, note: string | undefined): Promise<AlarmDetail> {
    const alarm = await this.find(p, id);
    if (!RESPONDERS.has(p.role))
      throw new ForbiddenError('ROLE_NOT_ALLOWED', `role ${p.role} may not act on alarms`);
    const step = transition(alarm.status as AlarmStatus, action);
    if (!step.ok) throw new ConflictError('ALARM_TRANSITION_REFUSED', step.reason);
    const updated = await this.reads.transaction(async (em) => {
      let after = await this.repo.setStatus(em, id, alarm.status, step.to);
      if (!after) throw new ConflictError('ALARM_CHANGED', 'the alarm was changed meanwhile; reload it');
      await this.repo.append(em, id, step.to, p.userId, p.username, note ?? null, { from: alarm.status });
      // Setting a rescue alarm on site is the weakest evidence of arrival: the time of the click.
      if (step.to === 'on_site' && alarm.rescue_deadline) {
        after = await this.repo.addArrival(em, id, {
          at: new Date(),
          source: 'status',
          kind: 'on_site',
          userId: p.userId,
          username: p.username,
          reason: null,
        });
      }
      await this.audit.record(em, p, `alarm.${action}`, 'alarm', id, {
        before: { status: alarm.status },
        after: { status: step.to },
        note,
      });
      return after;
    });
    this.bus.publish([AlarmView.of(updated)]);
    return this.get(p, id);
  }

  /**
   * Device-reported faults per manufacturer and model over a period (the manufacturer's lifetime
   * responsibility for quality tracking), over the elevators the caller sees.
   */
  async faultRates(p: Principal, from: Date, to: Date): Promise<FaultRateRow[]> {
    const rows = await this.reads.faultRates(this.visibility.elevators(p), FAULT_CODES, from, to);
    return rows.map((r) => ({
      manufacturerId: r.manufacturer_id,
      manufacturer: r.manufacturer,
      model: r.model,
      elevators: Number(r.elevators),
      faults: Number(r.faults),
      faultsPerElevator: Math.round((Number(r.faults) / Number(r.elevators)) * 100) / 100,
    }));
  }

  /**
   * How fast rescuers reached trapped passengers (TSG T5002 art. 5), over the entrapments the
   * caller sees whose notification fell in [from, to): share reached within the limit, median
   * arrival time, by maintenance firm (the firm under contract on the day).
   */
  async rescuePerformance(p: Principal, from: Date, to: Date): Promise<RescuePerformance> {
    const rows = await this.reads.rescueRows(this.visibility.elevators(p), from, to, this.timeZone);
    const byFirm = new Map<string, RescueRow[]>();
    for (const r of rows) {
      const key = r.firm_id ?? '';
      byFirm.set(key, [...(byFirm.get(key) ?? []), r]);
    }
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      ...rescueGroup(rows),
      byFirm: [...byFirm.values()]
        .map((g) => ({ firmId: g[0]?.firm_id ?? null, firm: g[0]?.firm ?? null, ...rescueGroup(g) }))
        .sort((a, b) => (a.withinLimitShare ?? 1) - (b.withinLimitShare ?? 1)),
    };
  }

  private async findForResponder(p: Principal, id: string): Promise<AlarmRow> {
    const alarm = await this.find(p, id);
    if (!RESPONDERS.has(p.role))
      throw new ForbiddenError('ROLE_NOT_ALLOWED', `role ${p.role} may not act on alarms`);
    return alarm;
  }

  private async find(p: Principal, id: string): Promise<AlarmRow> {
    const alarm = await this.reads.find(id);
    if (!alarm || !(await this.visibility.canSeeElevator(p, alarm.elevator_id)))
      throw new NotFoundError('Alarm', id);
    return alarm;
  }
}

/** The rescue figures of a set of entrapments. Pure. */
export function rescueGroup(rows: readonly RescueRow[]): RescueGroup {
  const arrivals = rows
    .filter((r) => r.arrived_at !== null)
    .map((r) => ((r.arrived_at as Date).getTime() - r.notified_ts.getTime()) / 1000)
    .sort((a, b) => a - b);
  const within = rows.filter(
    (r) => r.arrived_at !== null && r.rescue_deadline !== null && r.arrived_at <= r.rescue_deadline,
  ).length;
  const sources = { check_in: 0, device: 0, manual: 0, status: 0 };
  for (const r of rows) if (r.arrival_source) sources[r.arrival_source]++;
  const mid = arrivals.length / 2;
  const median =
    arrivals.length === 0
      ? null
      : arrivals.length % 2
        ? arrivals[Math.floor(mid)]
        : (arrivals[mid - 1] + arrivals[mid]) / 2;
  return {
    entrapments: rows.length,
    arrived: arrivals.length,
    withinLimit: within,
    withinLimitShare: rows.length ? Math.round((within / rows.length) * 1000) / 1000 : null,
    releasedBeforeArrival: rows.filter(
      (r) =>
        r.condition_cleared_ts !== null && (r.arrived_at === null || r.condition_cleared_ts < r.arrived_at),
    ).length,
    medianArrivalSeconds: median === null ? null : Math.round(median),
    arrivalSources: sources,
  };
}
