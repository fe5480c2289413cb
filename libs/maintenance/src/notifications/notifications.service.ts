import { Injectable, Logger } from '@nestjs/common';
import { type Principal } from '@liftwatch/access';
import { addDays } from '@liftwatch/calendar';
import { type Page, pageOf, type PageQueryDto } from '@liftwatch/contract';
import { MaintenanceRepository } from '../maintenance.repository';
import { PlanService } from '../plan/plan.service';
import { type NotificationView } from './notification.dto';

export type NotificationKind =
  'maintenance_due' | 'maintenance_overdue' | 'inspection_apply_by' | 'inspection_overdue';

interface Draft {
  kind: NotificationKind;
  elevatorId: string;
  organisationId: string | null;
  unitId: string | null;
  dedupeKey: string;
  title: string;
  data: Record<string, unknown>;
}

type Listener = (n: NotificationView[]) => void;

/** In-process fan-out of new notifications to the socket.io gateway. */
@Injectable()
export class NotificationBus {
  private readonly listeners = new Set<Listener>();

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  publish(n: NotificationView[]): void {
    if (n.length === 0) return;
    for (const l of this.listeners) l(n);
  }
}

/** Days before a maintenance level falls due that the firm is reminded. */
export const MAINTENANCE_REMINDER_DAYS = 3;
/** Days before the inspection apply-by date that owners and firm are reminded. */
export const INSPECTION_REMINDER_DAYS = 30;

const SELECT = `
  SELECT id, kind, elevator_id AS "elevatorId", recipient_organisation_id AS "recipientOrganisationId",
         recipient_unit_id AS "recipientUnitId", title, data, created_at AS "createdAt"
    FROM notifications`;

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
    private readonly plans: PlanService,
    private readonly bus: NotificationBus,
  ) {}

  async list(p: Principal, q: PageQueryDto): Promise<Page<NotificationView>> {
    let where: string;
    let params: Record<string, unknown> = {};
    if (p.role === 'admin') where = 'true';
    else if (p.role === 'firm' || p.role === 'insurer') {
      where = 'recipient_organisation_id = :org';
      params = { org: p.organisationId };
    } else if (p.role === 'owner' || p.role === 'agent') {
      const units = this.repo.visibility.units(p);
      where = units ? `recipient_unit_id IN (${units.sql})` : 'true';
      params = units?.params ?? {};
    } else {
      const elevators = this.repo.visibility.elevators(p);
      where = elevators ? `elevator_id IN (${elevators.sql})` : 'true';
      params = elevators?.params ?? {};
    }
    const [count] = await this.repo.query<{ n: string }>(
      `SELECT count(*) AS n FROM notifications WHERE ${where}`,
      params,
    );
    const rows = await this.repo.query<NotificationView & { createdAt: Date }>(
      `${SELECT} WHERE ${where} ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset`,
      { ...params, limit: q.limit, offset: q.offset },
    );
    return pageOf(
      rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })),
      Number(count?.n ?? 0),
      q,
    );
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
    const created = await this.store(drafts);
    this.bus.publish(created);
    if (created.length > 0) this.logger.log(`${created.length} reminder(s) for ${day}`);
    return { created: created.length, considered: drafts.length };
  }

  private async store(drafts: readonly Draft[]): Promise<NotificationView[]> {
    if (drafts.length === 0) return [];
    return this.repo.ds.transaction(async (em) => {
      const rows = await em.query<Array<NotificationView & { createdAt: Date }>>(
        `WITH input AS (
           SELECT * FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::jsonb[])
             AS t(kind, elevator_id, org_id, unit_id, dedupe_key, title, data)
         ), inserted AS (
           INSERT INTO notifications (kind, elevator_id, recipient_organisation_id, recipient_unit_id, dedupe_key, title, data)
           SELECT kind, elevator_id, org_id, unit_id, dedupe_key, title, data FROM input
           ON CONFLICT DO NOTHING
           RETURNING id, kind, elevator_id, recipient_organisation_id, recipient_unit_id, title, data, created_at
         ), hooks AS (
           INSERT INTO webhook_deliveries (webhook_id, notification_id, event, payload)
           SELECT w.id, i.id, 'notification.' || i.kind,
                  jsonb_build_object('event', 'notification.' || i.kind, 'at', now(),
                    'notification', jsonb_build_object('id', i.id, 'kind', i.kind, 'elevatorId', i.elevator_id,
                      'title', i.title, 'data', i.data))
             FROM inserted i JOIN webhooks w ON w.organisation_id = i.recipient_organisation_id AND w.active
         )
         SELECT id, kind, elevator_id AS "elevatorId", recipient_organisation_id AS "recipientOrganisationId",
                recipient_unit_id AS "recipientUnitId", title, data, created_at AS "createdAt" FROM inserted`,
        [
          drafts.map((d) => d.kind),
          drafts.map((d) => d.elevatorId),
          drafts.map((d) => d.organisationId),
          drafts.map((d) => d.unitId),
          drafts.map((d) => d.dedupeKey),
          drafts.map((d) => d.title),
          drafts.map((d) => JSON.stringify(d.data)),
        ],
      );
      return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
    });
  }
}
