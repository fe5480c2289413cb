import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { Sql } from '@liftwatch/database';
import { AuditService, type Principal } from '@liftwatch/access';
import { Clock } from '@liftwatch/calendar';
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
import { EscalationMessageView } from './escalation/escalation.dto';
import { EscalationRepository } from './escalation/escalation.repository';
import { entrapmentClosure, type ReleaseMethod } from './rescue/entrapment-closure';
import { IncidentReporter } from './rescue/incident-reporter';
import { RescueRepository } from './rescue/rescue.repository';
import { type TechnicianCandidate } from './work-orders/work-order.dto';
import { WorkOrderRepository } from './work-orders/work-order.repository';
import { reportViews, WorkOrdersService } from './work-orders/work-orders.service';

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
  /**
   * arrival at or before the rescue deadline, proven by a check-in at the car or the car's own data
   * (an office click or a back-dated entry does not prove an arrival; see withinLimitClaimed)
   */
  withinLimit: number;
  /** withinLimit / entrapments (0–1), null without entrapments */
  withinLimitShare: number | null;
  /** arrivals at or before the deadline resting only on an office click or a back-dated entry */
  withinLimitClaimed: number;
  /** how the passengers got out, as recorded at closure (device: the car's data showed the release) */
  releaseMethods: Record<
    'technician' | 'firefighters' | 'self_released' | 'false_report' | 'device' | 'open',
    number
  >;
  /** closed while the car still reported a passenger aboard, on the closer's word */
  closedOverCar: number;
  /** reopened because the car went on reporting the entrapment after a closure */
  reopened: number;
  /** released (the car moved) before anyone was recorded arriving */
  releasedBeforeArrival: number;
  /** median of arrival − notification, seconds */
  medianArrivalSeconds: number | null;
  /** how the arrivals that count were recorded */
  arrivalSources: Record<'check_in' | 'device' | 'manual' | 'status', number>;
}

export interface RescueIncident {
  alarmId: string;
  place: string;
  registrationCode: string;
  firm: string | null;
  notifiedTs: string;
  rescueDeadline: string | null;
  arrivedAt: string | null;
  arrivalSource: 'check_in' | 'device' | 'manual' | 'status' | null;
  /** arrived by the deadline, on proof (check-in or the car's data) */
  withinLimit: boolean;
  releasedTs: string | null;
  releaseMethod: string | null;
  reopenCount: number;
  status: string;
}

export interface RescuePerformance extends RescueGroup {
  from: string;
  to: string;
  byFirm: Array<RescueGroup & { firmId: string | null; firm: string | null }>;
  /** entrapments closed as false reports: listed below, outside the figures */
  falseReports: number;
  /** each entrapment of the period, newest first, with how its arrival was proven */
  incidents: RescueIncident[];
}

export interface AlarmActionInput {
  note?: string;
  technicianId?: string;
  releaseMethod?: ReleaseMethod;
}

/** Roles that act on alarms: the maintenance firm's office and technicians (on its elevators), admins. */
const RESPONDERS = new Set(['admin', 'firm', 'technician']);
/** Actions only the office takes (a technician is dispatched, not dispatching). */
const OFFICE_ACTIONS = new Set<AlarmAction>(['dispatch', 'on-site']);
const PROVEN = new Set(['check_in', 'device']);

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
    private readonly rescue: RescueRepository,
    private readonly reporter: IncidentReporter,
    private readonly workOrders: WorkOrdersService,
    private readonly orders: WorkOrderRepository,
    private readonly escalations: EscalationRepository,
    private readonly clock: Clock,
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
    const [timeline, arrivals, reports, order, escalations, stillReports] = await Promise.all([
      this.repo.timeline(this.sql.ds.manager, id),
      this.repo.arrivals(this.sql.ds.manager, [id]),
      this.rescue.reports(id),
      this.orders.latest(id),
      this.escalations.ofAlarm(id),
      alarm.type === 'entrapment' ? this.rescue.carStillReports(alarm.elevator_id) : Promise.resolve(false),
    ]);
    const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);
    return {
      ...AlarmView.of(alarm),
      timeline: timeline.map((t) => TimelineEntry.of(t)),
      arrivals: arrivals.map((a) => ArrivalEvidence.of(a)),
      reports: reportViews(reports, p),
      carStillReports: stillReports,
      workOrder: order
        ? {
            id: order.id,
            technicianId: order.technicianId,
            technicianName: order.technicianName,
            technicianPhone: RESPONDERS.has(p.role) ? order.technicianPhone : null,
            status: order.status,
            assignedAt: new Date(order.assignedAt).toISOString(),
            acceptedAt: iso(order.acceptedAt),
            departedAt: iso(order.departedAt),
            arrivedAt: iso(order.arrivedAt),
            finishedAt: iso(order.finishedAt),
          }
        : null,
      escalations:
        RESPONDERS.has(p.role) || p.role === 'regulator'
          ? escalations.map((m) => EscalationMessageView.of(m))
          : [],
    };
  }

  /** The firm's technicians the dispatcher may send, the suggested one first. */
  async technicians(p: Principal, id: string): Promise<TechnicianCandidate[]> {
    const alarm = await this.findForResponder(p, id);
    return this.workOrders.candidates(p, alarm);
  }

  /**
   * A call the dispatcher took (a passenger, a resident, the city's 96333 platform): recorded with
   * the time of the call, it opens the elevator's entrapment with the rescue clock running from that
   * time — or joins the one open.
   */
  async recordCall(
    p: Principal,
    dto: { elevatorId: string; kind: string; calledAt: string; callbackPhone?: string; text?: string },
  ): Promise<AlarmDetail> {
    if (!RESPONDERS.has(p.role))
      throw new ForbiddenError('ROLE_NOT_ALLOWED', `role ${p.role} may not record calls`);
    if (!(await this.visibility.canSeeElevator(p, dto.elevatorId)))
      throw new NotFoundError('Elevator', dto.elevatorId);
    const at = new Date(dto.calledAt);
    const now = this.clock.now().getTime();
    if (at.getTime() > now + 60_000)
      throw InvalidInputError.field('calledAt', 'the call cannot be in the future');
    if (at.getTime() < now - 24 * 3_600_000)
      throw InvalidInputError.field('calledAt', 'a call more than a day ago is not a live report');
    const { alarm } = await this.sql.transaction(async (tx) => {
      const r = await this.reporter.record(tx, {
        elevatorId: dto.elevatorId,
        channel: 'phone',
        kind: dto.kind,
        at,
        text: dto.text ?? null,
        callbackPhone: dto.callbackPhone ?? null,
        recordedBy: p.userId,
        recordedByName: p.username,
      });
      await this.audit.record(tx, p, 'alarm.call_recorded', 'alarm', r.alarm.id, {
        after: { kind: dto.kind, calledAt: at.toISOString(), joined: !r.created },
      });
      return r;
    });
    this.bus.publish([AlarmView.of(alarm)]);
    return this.get(p, alarm.id);
  }

  /**
   * The technician checks in at the car (the phone flow after scanning the elevator's code): the
   * arrival is recorded at the platform's time of the request, and the alarm goes on site. A
   * scanned registration code must be this elevator's.
   */
  async checkIn(
    p: Principal,
    id: string,
    dto: { registrationCode: string; note?: string },
  ): Promise<AlarmDetail> {
    const alarm = await this.findForResponder(p, id);
    // the code in the car is the proof of the place: an arrival recorded anywhere else is a
    // back-dated entry with its reason (recordArrival), not a check-in
    if ((await this.reads.registrationCode(alarm.elevator_id)) !== dto.registrationCode) {
      throw new RuleViolationError('WRONG_ELEVATOR', 'the scanned code is not this alarm’s elevator', [
        { field: 'registrationCode', messages: ['does not match the alarm’s elevator'] },
      ]);
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
      if (a.source === 'check_in') await this.workOrders.arrived(em, alarm.id, p.userId);
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

  /**
   * A step of the alarm's handling, timestamped with who did it (timeline and audit log). Dispatch
   * names a technician (required for rescue alarms; again while dispatched: a reassignment). Closing
   * an entrapment follows entrapmentClosure: the car's data wins over a click unless the way out is
   * stated with a note.
   */
  async act(
    p: Principal,
    id: string,
    action: AlarmAction,
    input: AlarmActionInput = {},
  ): Promise<AlarmDetail> {
    const alarm = await this.find(p, id);
    if (!RESPONDERS.has(p.role) || (p.role === 'technician' && OFFICE_ACTIONS.has(action)))
      throw new ForbiddenError('ROLE_NOT_ALLOWED', `role ${p.role} may not ${action} alarms`);
    const note = input.note?.trim() || undefined;
    const rescue = alarm.rescue_deadline !== null;
    if (input.releaseMethod && alarm.type !== 'entrapment')
      throw InvalidInputError.field('releaseMethod', 'only an entrapment has a way out');
    if (input.technicianId && action !== 'dispatch')
      throw InvalidInputError.field('technicianId', 'a technician is named on dispatch');
    const reassign =
      action === 'dispatch' && alarm.status === 'dispatched' && input.technicianId !== undefined;
    const step = reassign
      ? ({ ok: true, to: 'dispatched' } as const)
      : transition(alarm.status as AlarmStatus, action);
    if (!step.ok) throw new ConflictError('ALARM_TRANSITION_REFUSED', step.reason);
    if (action === 'dispatch' && rescue && !input.technicianId)
      throw InvalidInputError.field('technicianId', 'a rescue is dispatched to a named technician');
    let releaseMethod: ReleaseMethod | null = null;
    let overridesCar = false;
    if ((action === 'resolve' || action === 'false-alarm') && alarm.type === 'entrapment') {
      const stillReports = await this.rescue.carStillReports(alarm.elevator_id);
      const verdict = entrapmentClosure({
        action,
        carStillReports: stillReports,
        releasedByDevice: alarm.condition_cleared_ts !== null,
        releaseMethod: input.releaseMethod,
        note,
      });
      if (!verdict.ok) {
        if (verdict.code === 'STILL_TRAPPED')
          throw new ConflictError('STILL_TRAPPED', verdict.message, [
            { field: verdict.field, messages: [verdict.message] },
          ]);
        throw new InvalidInputError([{ field: verdict.field, messages: [verdict.message] }]);
      }
      releaseMethod = verdict.releaseMethod;
      overridesCar = verdict.overridesCar;
    }
    const updated = await this.reads.transaction(async (em) => {
      let after: AlarmRow | undefined | null;
      let order: { id: string; technicianName: string } | null = null;
      if (step.to === 'resolved' || step.to === 'false_alarm') {
        after = await this.rescue.close(em, id, alarm.status, step.to, releaseMethod);
        if (after) await this.workOrders.closed(em, id);
      } else {
        after = reassign ? alarm : await this.repo.setStatus(em, id, alarm.status, step.to);
      }
      if (!after) throw new ConflictError('ALARM_CHANGED', 'the alarm was changed meanwhile; reload it');
      if (action === 'dispatch' && input.technicianId)
        order = await this.workOrders.assign(em, p, alarm, input.technicianId, note ?? null);
      await this.repo.append(em, id, reassign ? 'reassigned' : step.to, p.userId, p.username, note ?? null, {
        from: alarm.status,
        ...(order
          ? { workOrderId: order.id, technicianId: input.technicianId, technician: order.technicianName }
          : {}),
        ...(releaseMethod ? { releaseMethod } : {}),
        ...(overridesCar ? { carStillReported: true } : {}),
      });
      // Setting a rescue alarm on site from the office is the weakest evidence of arrival: the time of
      // the click, counted apart from proven arrivals in the rescue figures.
      if (step.to === 'on_site' && rescue) {
        after = await this.repo.addArrival(em, id, {
          at: new Date(),
          source: 'status',
          kind: 'on_site',
          userId: p.userId,
          username: p.username,
          reason: null,
        });
      }
      await this.audit.record(em, p, reassign ? 'alarm.reassign' : `alarm.${action}`, 'alarm', id, {
        before: { status: alarm.status },
        after: { status: step.to, releaseMethod, technicianId: input.technicianId ?? null },
        note,
        ...(overridesCar ? { carStillReported: true } : {}),
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
    const all = await this.reads.rescueRows(this.visibility.elevators(p), from, to, this.timeZone);
    // a false report is not an entrapment: listed, counted apart, outside the rescue figures
    const isFalse = (r: RescueRow): boolean =>
      r.status === 'false_alarm' || r.release_method === 'false_report';
    const rows = all.filter((r) => !isFalse(r));
    const byFirm = new Map<string, RescueRow[]>();
    const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);
    for (const r of rows) {
      const key = r.firm_id ?? '';
      byFirm.set(key, [...(byFirm.get(key) ?? []), r]);
    }
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      ...rescueGroup(rows),
      falseReports: all.length - rows.length,
      byFirm: [...byFirm.values()]
        .map((g) => ({ firmId: g[0]?.firm_id ?? null, firm: g[0]?.firm ?? null, ...rescueGroup(g) }))
        .sort((a, b) => (a.withinLimitShare ?? 1) - (b.withinLimitShare ?? 1)),
      incidents: [...all]
        .sort((a, b) => b.notified_ts.getTime() - a.notified_ts.getTime())
        .slice(0, 500)
        .map((r) => ({
          alarmId: r.id,
          place: r.place,
          registrationCode: r.registration_code,
          firm: r.firm,
          notifiedTs: r.notified_ts.toISOString(),
          rescueDeadline: iso(r.rescue_deadline),
          arrivedAt: iso(r.arrived_at),
          arrivalSource: r.arrival_source,
          withinLimit: !isFalse(r) && provenWithin(r),
          releasedTs: iso(r.condition_cleared_ts),
          releaseMethod: r.release_method,
          reopenCount: r.reopen_count,
          status: r.status,
        })),
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

/** Arrived by the deadline, on proof: a check-in at the car or the car's own data. */
function provenWithin(r: RescueRow): boolean {
  return (
    r.arrived_at !== null &&
    r.rescue_deadline !== null &&
    r.arrived_at <= r.rescue_deadline &&
    r.arrival_source !== null &&
    PROVEN.has(r.arrival_source)
  );
}

/**
 * The rescue figures of a set of entrapments. Pure. Only a proven arrival (check-in at the car, the
 * car's own data) counts as within the limit; an office click or a back-dated entry is counted
 * apart (withinLimitClaimed).
 */
export function rescueGroup(rows: readonly RescueRow[]): RescueGroup {
  const arrivals = rows
    .filter((r) => r.arrived_at !== null)
    .map((r) => ((r.arrived_at as Date).getTime() - r.notified_ts.getTime()) / 1000)
    .sort((a, b) => a - b);
  const within = rows.filter(provenWithin).length;
  const claimed = rows.filter(
    (r) =>
      r.arrived_at !== null &&
      r.rescue_deadline !== null &&
      r.arrived_at <= r.rescue_deadline &&
      !provenWithin(r),
  ).length;
  const sources = { check_in: 0, device: 0, manual: 0, status: 0 };
  for (const r of rows) if (r.arrival_source) sources[r.arrival_source]++;
  const methods = { technician: 0, firefighters: 0, self_released: 0, false_report: 0, device: 0, open: 0 };
  for (const r of rows) {
    if (r.release_method) methods[r.release_method]++;
    else if (r.status !== 'resolved' && r.status !== 'false_alarm') methods.open++;
    else methods.device++;
  }
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
    withinLimitClaimed: claimed,
    releaseMethods: methods,
    closedOverCar: rows.filter((r) => r.closed_over_car).length,
    reopened: rows.filter((r) => r.reopen_count > 0).length,
    releasedBeforeArrival: rows.filter(
      (r) =>
        r.condition_cleared_ts !== null && (r.arrived_at === null || r.condition_cleared_ts < r.arrived_at),
    ).length,
    medianArrivalSeconds: median === null ? null : Math.round(median),
    arrivalSources: sources,
  };
}
