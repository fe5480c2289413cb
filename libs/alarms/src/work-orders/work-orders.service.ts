import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { AuditService, isFirmStaff, type Principal } from '@liftwatch/access';
import { Clock } from '@liftwatch/calendar';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '@liftwatch/contract';
import { VisibilityRepository } from '@liftwatch/registry';
import { AlarmReadRepository } from '../alarm-read.repository';
import { AlarmRepository, type AlarmRow } from '../alarm.repository';
import { AlarmBus, AlarmView, type IncidentReportView } from '../alarm-view';
import { type ReportRow, RescueRepository } from '../rescue/rescue.repository';
import { TechnicianCandidate, WorkOrderView } from './work-order.dto';
import { type WorkOrderRow, WorkOrderRepository, type WorkOrderStatus } from './work-order.repository';

const NEAR = ['same_building', 'same_community', 'elsewhere'] as const;

/** Reports as a reader may see them: the callback number only for those who call back. */
export function reportViews(rows: readonly ReportRow[], p: Principal): IncidentReportView[] {
  const responder = p.role === 'admin' || isFirmStaff(p.role);
  return rows.map((r) => ({
    at: new Date(r.at).toISOString(),
    channel: r.channel,
    kind: r.kind,
    text: r.text,
    callbackPhone: responder ? r.callbackPhone : null,
    recordedBy: r.recordedByName,
  }));
}

/**
 * Work orders: dispatch names a technician of the firm maintaining the car; the technician takes
 * the order through 接单 (accepted) → 出发 (en route) → 到场 (the check-in at the car's code, in
 * AlarmsService) → 解困/完成 (the alarm's closure). Each step is on the alarm's timeline under the
 * technician's name.
 */
@Injectable()
export class WorkOrdersService {
  constructor(
    private readonly orders: WorkOrderRepository,
    private readonly alarms: AlarmRepository,
    private readonly reads: AlarmReadRepository,
    private readonly rescue: RescueRepository,
    private readonly visibility: VisibilityRepository,
    private readonly audit: AuditService,
    private readonly bus: AlarmBus,
    private readonly clock: Clock,
  ) {}

  /**
   * The firm's technicians for this alarm, the suggested one first: fewest open jobs, then the one
   * whose last check-in was nearest this car (same building, same community), then the latest.
   */
  async candidates(p: Principal, alarm: AlarmRow): Promise<TechnicianCandidate[]> {
    const firmId = await this.firmFor(p, alarm);
    if (!firmId) return [];
    const rows = await this.orders.candidates(firmId, alarm.elevator_id);
    const rank = (r: (typeof rows)[number]): number => (r.distanceRank === null ? 3 : Number(r.distanceRank));
    rows.sort(
      (a, b) =>
        a.openJobs - b.openJobs ||
        rank(a) - rank(b) ||
        (b.lastCheckInAt ? new Date(b.lastCheckInAt).getTime() : 0) -
          (a.lastCheckInAt ? new Date(a.lastCheckInAt).getTime() : 0) ||
        a.displayName.localeCompare(b.displayName),
    );
    return rows.map((r, i) => ({
      id: r.id,
      displayName: r.displayName,
      phone: r.phone,
      certificateNumber: r.certificateNumber,
      openJobs: Number(r.openJobs),
      lastCheckInAt: r.lastCheckInAt ? new Date(r.lastCheckInAt).toISOString() : null,
      lastCheckInPlace: r.lastCheckInPlace,
      lastCheckInNear: r.distanceRank === null ? null : NEAR[Number(r.distanceRank)],
      suggested: i === 0,
    }));
  }

  /** Inside the dispatch's transaction: the order for `technicianId`, checked to be the firm's. */
  async assign(
    em: EntityManager,
    p: Principal,
    alarm: AlarmRow,
    technicianId: string,
    note: string | null,
  ): Promise<{ id: string; technicianName: string }> {
    const tech = await this.orders.technician(technicianId);
    const firmId = await this.firmFor(p, alarm);
    if (!tech || !firmId || tech.organisationId !== firmId)
      throw InvalidInputError.field(
        'technicianId',
        'not an active technician of the firm maintaining this elevator',
      );
    const id = await this.orders.assign(em, {
      alarmId: alarm.id,
      elevatorId: alarm.elevator_id,
      technicianId,
      assignedBy: p.userId,
      note,
    });
    return { id, technicianName: tech.displayName };
  }

  /** A technician's check-in at the car: their active order for the alarm is on site. */
  async arrived(em: EntityManager, alarmId: string, userId: string): Promise<void> {
    const active = await this.orders.active(alarmId, em);
    if (active && active.technicianId === userId)
      await this.orders.step(em, active.id, ['assigned', 'accepted', 'en_route'], 'on_site');
  }

  /** The alarm was closed: its active order is done. */
  async closed(em: EntityManager, alarmId: string): Promise<void> {
    const active = await this.orders.active(alarmId, em);
    if (active)
      await this.orders.step(em, active.id, ['assigned', 'accepted', 'en_route', 'on_site'], 'done');
  }

  async list(p: Principal): Promise<WorkOrderView[]> {
    const rows =
      p.role === 'technician'
        ? await this.orders.list({ technicianId: p.userId })
        : p.role === 'firm'
          ? await this.orders.list({ organisationId: p.organisationId })
          : p.role === 'admin'
            ? await this.orders.list({})
            : [];
    return Promise.all(
      rows.map(async (w) => WorkOrderView.of(w, reportViews(await this.rescue.reports(w.alarmId), p))),
    );
  }

  async get(p: Principal, id: string): Promise<WorkOrderView> {
    const w = await this.find(p, id);
    return WorkOrderView.of(w, reportViews(await this.rescue.reports(w.alarmId), p));
  }

  /** 接单 (accepted) or 出发 (en route), by the technician the order names. */
  async step(p: Principal, id: string, action: 'accept' | 'depart'): Promise<WorkOrderView> {
    const w = await this.find(p, id);
    if (p.role !== 'admin' && w.technicianId !== p.userId)
      throw new ForbiddenError('NOT_YOUR_ORDER', 'only the technician it names takes a work order forward');
    const from: WorkOrderStatus[] = action === 'accept' ? ['assigned'] : ['assigned', 'accepted'];
    const to: WorkOrderStatus = action === 'accept' ? 'accepted' : 'en_route';
    await this.orders.transaction(async (em) => {
      if (!(await this.orders.step(em, id, from, to)))
        throw new ConflictError('WORK_ORDER_TRANSITION_REFUSED', `the work order is ${w.status}`);
      await this.alarms.append(em, w.alarmId, `work_order_${to}`, p.userId, p.username, null, {
        workOrderId: id,
        technician: w.technicianName,
      });
      await this.audit.record(em, p, `work_order.${action}`, 'work_order', id, {
        before: { status: w.status },
        after: { status: to },
      });
    });
    const alarm = await this.reads.find(w.alarmId);
    if (alarm) this.bus.publish([AlarmView.of(alarm)]);
    return this.get(p, id);
  }

  private async find(p: Principal, id: string): Promise<WorkOrderRow> {
    const w = await this.orders.find(id);
    const visible =
      w &&
      (p.role === 'admin' ||
        (p.role === 'technician' && w.technicianId === p.userId) ||
        (p.role === 'firm' && (await this.visibility.canSeeElevator(p, w.elevatorId))));
    if (!visible) throw new NotFoundError('WorkOrder', id);
    return w;
  }

  /** The firm whose technicians may take this alarm: the caller's own, or (admins) the elevator's. */
  private async firmFor(p: Principal, alarm: AlarmRow): Promise<string | null> {
    if (isFirmStaff(p.role)) return p.organisationId;
    return this.orders.firmOf(alarm.elevator_id, this.clock.today());
  }
}
