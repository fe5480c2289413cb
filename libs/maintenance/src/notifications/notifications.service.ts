import { Injectable, Logger } from '@nestjs/common';
import { type Principal } from '@liftwatch/access';
import { addDays } from '@liftwatch/calendar';
import { type Page, pageOf, type PageQueryDto } from '@liftwatch/contract';
import { MaintenanceRepository } from '../maintenance.repository';
import {
  type Draft,
  type NotificationKind,
  NotificationRepository,
  type NotificationRecipients,
  type NotificationView,
  Notices,
} from '@liftwatch/registry';
import { PlanService } from '../plan/plan.service';

/** Days before a maintenance level falls due that the firm is reminded. */
export const MAINTENANCE_REMINDER_DAYS = 3;
/** Days before the inspection apply-by date that owners and firm are reminded. */
export const INSPECTION_REMINDER_DAYS = 30;

/**
 * Daily reminders before due dates: maintenance levels coming due (to the firm) or overdue (to
 * the firm and the unit's owners), inspections whose apply-by date is near or whose due month has
 * passed (to both). Each reminder is written once per due date (a dedupe key), then pushed over
 * socket.io and to the organisation's webhooks through the outbox.
 */
@Injectable()
export class NotificationsService {
  private readonly logger = new Logger(NotificationsService.name);

  constructor(
    private readonly repo: MaintenanceRepository,
    private readonly notifications: NotificationRepository,
    private readonly plans: PlanService,
    private readonly notices: Notices,
  ) {}

  async list(p: Principal, q: PageQueryDto): Promise<Page<NotificationView>> {
    const recipients: NotificationRecipients =
      p.role === 'admin'
        ? { all: true }
        : p.role === 'firm' || p.role === 'technician' || p.role === 'insurer'
          ? { organisationId: p.organisationId }
          : p.role === 'owner' || p.role === 'agent'
            ? { units: this.repo.visibility.units(p), ownerId: p.role === 'owner' ? p.ownerId : null }
            : { elevators: this.repo.visibility.elevators(p) };
    const [rows, total] = await this.notifications.page(recipients, q.limit, q.offset);
    return pageOf(rows, total, q);
  }

  /** Computes today's reminders and stores the new ones. Returns how many were new. */
  async remind(day: string): Promise<{ created: number; considered: number }> {
    const ids = await this.repo.elevatorIdsInRegion('000000', true);
    const elevators = await this.repo.elevators(ids);
    const plans = await this.plans.plans(ids);
    const inspections = await this.repo.inspectionStatuses(elevators, day);
    const unitOf = new Map(elevators.map((e) => [e.id, e]));
    const firmOf = new Map(plans.map((pl) => [pl.elevatorId, pl.contract?.firmId]));
    const drafts: Draft[] = [];
    for (const plan of plans) {
      const e = unitOf.get(plan.elevatorId);
      if (!e || !plan.contract) continue;
      for (const l of plan.levels) {
        if (l.status === 'ok' || l.daysLeft > MAINTENANCE_REMINDER_DAYS) continue;
        const overdue = l.status === 'overdue';
        const kind: NotificationKind = overdue ? 'maintenance_overdue' : 'maintenance_due';
        const title = overdue
          ? `${e.registration_code}: ${l.level} maintenance overdue since ${l.dueOn}`
          : `${e.registration_code}: ${l.level} maintenance due by ${l.dueOn}`;
        const data = { level: l.level, dueOn: l.dueOn, daysLeft: l.daysLeft, contractId: plan.contract.id };
        const key = `${kind}:${e.id}:${l.level}:${l.dueOn}`;
        drafts.push({
          kind,
          elevatorId: e.id,
          organisationId: plan.contract.firmId,
          unitId: null,
          dedupeKey: key,
          title,
          data,
        });
        if (overdue)
          drafts.push({
            kind,
            elevatorId: e.id,
            organisationId: null,
            unitId: e.unit_id,
            dedupeKey: key,
            title,
            data,
          });
      }
    }
    for (const e of elevators) {
      const s = inspections.get(e.id);
      if (!s?.next) continue;
      let kind: NotificationKind | null = null;
      if (s.state === 'overdue') kind = 'inspection_overdue';
      else if (s.state !== 'failed' && day >= addDays(s.next.applyBy, -INSPECTION_REMINDER_DAYS))
        kind = 'inspection_apply_by';
      if (!kind) continue;
      const title =
        kind === 'inspection_overdue'
          ? `${e.registration_code}: ${s.next.kind} inspection due ${s.next.dueMonth} is overdue`
          : `${e.registration_code}: apply for the ${s.next.kind} inspection by ${s.next.applyBy}`;
      const data = { kind: s.next.kind, dueMonth: s.next.dueMonth, applyBy: s.next.applyBy };
      const key = `${kind}:${e.id}:${s.next.dueMonth}`;
      drafts.push({
        kind,
        elevatorId: e.id,
        organisationId: null,
        unitId: e.unit_id,
        dedupeKey: key,
        title,
        data,
      });
      const firm = firmOf.get(e.id);
      if (firm)
        drafts.push({
          kind,
          elevatorId: e.id,
          organisationId: firm,
          unitId: null,
          dedupeKey: key,
          title,
          data,
        });
    }
    const created = await this.notices.send(drafts);
    if (created.length > 0) this.logger.log(`${created.length} reminder(s) for ${day}`);
    return { created: created.length, considered: drafts.length };
  }
}
