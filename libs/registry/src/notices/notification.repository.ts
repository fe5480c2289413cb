import { Injectable } from '@nestjs/common';
import { type Db, Sql } from '@liftwatch/database';
import { type IdFilter } from '../visibility/visibility.repository';
import { type NotificationKind, type NotificationView } from './notification.dto';

/** A reminder before it is stored; the dedupe key makes a second run of the day a no-op. */
export interface Draft {
  kind: NotificationKind;
  elevatorId: string | null;
  organisationId: string | null;
  unitId: string | null;
  /** one owner of the unit alone (their share of a statement) */
  ownerId?: string | null;
  dedupeKey: string;
  title: string;
  data: Record<string, unknown>;
}

/** Whose notifications: all, an organisation's, or those of units or elevators the caller sees. */
export type NotificationRecipients =
  | { all: true }
  | { organisationId: string | null }
  | { units: IdFilter | null; ownerId?: string | null }
  | { elevators: IdFilter | null };

const SELECT = `
  SELECT id, kind, elevator_id AS "elevatorId", recipient_organisation_id AS "recipientOrganisationId",
         recipient_unit_id AS "recipientUnitId", title, data, created_at AS "createdAt"
    FROM notifications`;

const iso = (rows: Array<NotificationView & { createdAt: Date }>): NotificationView[] =>
  rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));

/** Every query of notifications (reminders and their webhook outbox entries). */
@Injectable()
export class NotificationRepository {
  constructor(private readonly sql: Sql) {}

  async page(
    to: NotificationRecipients,
    limit: number,
    offset: number,
  ): Promise<[NotificationView[], number]> {
    let where = 'true';
    let params: Record<string, unknown> = {};
    if ('organisationId' in to) {
      where = 'recipient_organisation_id = :org';
      params = { org: to.organisationId };
    } else if ('units' in to && to.units) {
      // an owner reads the unit's notices and their own; the unit-wide statement notice is the
      // agent's (an owner gets their own part instead); the agent reads no owner's own notice
      // (their own notices reach an owner also after they sold the flat: the seller still owes
      // the days they held it)
      where = `(recipient_owner_id = CAST(:noticeOwner AS uuid)
        OR (recipient_unit_id IN (${to.units.sql}) AND recipient_owner_id IS NULL
            AND NOT (CAST(:noticeOwner AS uuid) IS NOT NULL AND kind = 'statement_issued')))`;
      params = { ...to.units.params, noticeOwner: to.ownerId ?? null };
    } else if ('elevators' in to && to.elevators) {
      where = `elevator_id IN (${to.elevators.sql})`;
      params = to.elevators.params;
    }
    const count = await this.sql.one<{ n: string }>(
      `SELECT count(*) AS n FROM notifications WHERE ${where}`,
      params,
    );
    const rows = await this.sql.query<NotificationView & { createdAt: Date }>(
      `${SELECT} WHERE ${where} ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset`,
      { ...params, limit, offset },
    );
    return [iso(rows), Number(count?.n ?? 0)];
  }

  /** The unit an elevator serves (whose owners a notice about it goes to). */
  async unitOfElevator(elevatorId: string, db?: Db): Promise<string | null> {
    const row = await this.sql.one<{ unit_id: string }>(
      `SELECT unit_id FROM elevators WHERE id = :elevatorId`,
      { elevatorId },
      db,
    );
    return row?.unit_id ?? null;
  }

  /**
   * Stores the drafts not stored before (dedupe key) and queues a webhook delivery for each to
   * the recipient organisation's active webhooks, in one statement; returns the new ones.
   */
  async insertNew(drafts: readonly Draft[], db?: Db): Promise<NotificationView[]> {
    if (drafts.length === 0) return [];
    const rows = await this.sql.query<NotificationView & { createdAt: Date }>(
      `WITH input AS (
         SELECT * FROM unnest(CAST(:kinds AS text[]), CAST(:elevatorIds AS uuid[]), CAST(:orgIds AS uuid[]),
                              CAST(:unitIds AS uuid[]), CAST(:keys AS text[]), CAST(:titles AS text[]), CAST(:data AS jsonb[]),
                              CAST(:ownerIds AS uuid[]))
           AS t(kind, elevator_id, org_id, unit_id, dedupe_key, title, data, owner_id)
       ), inserted AS (
         INSERT INTO notifications (kind, elevator_id, recipient_organisation_id, recipient_unit_id, dedupe_key, title, data,
                                    recipient_owner_id)
         SELECT kind, elevator_id, org_id, unit_id, dedupe_key, title, data, owner_id FROM input
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
      {
        kinds: drafts.map((d) => d.kind),
        elevatorIds: drafts.map((d) => d.elevatorId),
        orgIds: drafts.map((d) => d.organisationId),
        unitIds: drafts.map((d) => d.unitId),
        keys: drafts.map((d) => d.dedupeKey),
        titles: drafts.map((d) => d.title),
        data: drafts.map((d) => JSON.stringify(d.data)),
        ownerIds: drafts.map((d) => d.ownerId ?? null),
      },
      db,
    );
    return iso(rows);
  }
}
