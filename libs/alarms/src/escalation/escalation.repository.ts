import { Injectable } from '@nestjs/common';
import { type Db, SqlRepository } from '@liftwatch/database';
import { type ChainContact, type EscalationLevel } from './escalation-chain';

export interface UnacknowledgedAlarm {
  id: string;
  elevatorId: string;
  type: string;
  ackClockFrom: Date;
  ackEscalationStep: number;
  rescueDeadline: Date | null;
  firstSeenTs: Date;
  registrationCode: string;
  rescueCode: string | null;
  place: string;
  regionCode: string;
  firmId: string | null;
}

export interface ContactRow {
  id: string;
  organisationId: string | null;
  organisationName: string | null;
  regionCode: string | null;
  regionName: string | null;
  level: EscalationLevel;
  position: number;
  name: string;
  phone: string | null;
  webhookUrl: string | null;
  userId: string | null;
  active: boolean;
  createdAt: Date;
}

export interface EscalationMessageRow {
  id: string;
  alarmId: string;
  step: number;
  level: EscalationLevel;
  contactName: string;
  channel: 'sms' | 'webhook';
  recipient: string;
  body: Record<string, unknown>;
  status: 'pending' | 'sent' | 'failed' | 'skipped';
  attempts: number;
  lastError: string | null;
  sentAt: Date | null;
  createdAt: Date;
}

const CONTACT = `c.id, c.organisation_id AS "organisationId", o.name AS "organisationName", c.region_code AS "regionCode",
  r.name AS "regionName", c.level, c.position, c.name, c.phone, c.webhook_url AS "webhookUrl", c.user_id AS "userId",
  c.active, c.created_at AS "createdAt"`;

const MESSAGE = `m.id, m.alarm_id AS "alarmId", m.step, m.level, m.contact_name AS "contactName", m.channel, m.recipient,
  m.body, m.status, m.attempts, m.last_error AS "lastError", m.sent_at AS "sentAt", m.created_at AS "createdAt"`;

/** Escalation contacts, the alarms waiting for an acknowledgement, and the outbox of messages. */
@Injectable()
export class EscalationRepository extends SqlRepository {
  /**
   * Rescue alarms nobody has acknowledged, whose escalation is behind by at least one period, with
   * where they are and the firm maintaining the elevator on the business day `today`.
   */
  unacknowledged(db: Db, periodS: number, today: string): Promise<UnacknowledgedAlarm[]> {
    return this.sql.query<UnacknowledgedAlarm>(
      `SELECT a.id, a.elevator_id AS "elevatorId", a.type, a.ack_clock_from AS "ackClockFrom",
              a.ack_escalation_step AS "ackEscalationStep", a.rescue_deadline AS "rescueDeadline",
              a.first_seen_ts AS "firstSeenTs", e.registration_code AS "registrationCode", e.rescue_code AS "rescueCode",
              b.community || ' ' || b.name || ' ' || u.name AS place, b.region_code AS "regionCode",
              (SELECT c.organisation_id FROM elevator_coverage c
                WHERE c.elevator_id = a.elevator_id AND c.kind = 'maintenance' AND c.valid_from <= :today
                  AND (c.valid_to IS NULL OR c.valid_to > :today) LIMIT 1) AS "firmId"
         FROM alarms a
         JOIN elevators e ON e.id = a.elevator_id
         JOIN units u ON u.id = e.unit_id
         JOIN buildings b ON b.id = u.building_id
        WHERE a.status = 'open' AND a.rescue_deadline IS NOT NULL
          AND now() >= a.ack_clock_from + make_interval(secs => CAST(:periodS AS int) * (a.ack_escalation_step + 1))`,
      { periodS, today },
      db,
    );
  }

  /** The firm's active contacts and the duty lines of the region and its ancestors (depth 0 = own). */
  async chainContacts(db: Db, firmId: string | null, regionCode: string): Promise<ChainContact[]> {
    const rows = await this.sql.query<ChainContact & { regionDepth: number | null }>(
      `WITH RECURSIVE up AS (
         SELECT code, parent_code, 0 AS depth FROM regions WHERE code = :regionCode
         UNION ALL
         SELECT r.code, r.parent_code, up.depth + 1 FROM regions r JOIN up ON r.code = up.parent_code
          WHERE up.depth < 5)
       SELECT c.id, c.level, c.position, c.name, c.phone, c.webhook_url AS "webhookUrl", up.depth AS "regionDepth"
         FROM escalation_contacts c LEFT JOIN up ON up.code = c.region_code
        WHERE c.active AND ((c.organisation_id = CAST(:firmId AS uuid)) OR (c.level = 'duty_line' AND up.code IS NOT NULL))`,
      { firmId, regionCode },
      db,
    );
    return rows.map((r) => ({ ...r, regionDepth: r.regionDepth === null ? null : Number(r.regionDepth) }));
  }

  /** Moves the alarm's escalation to `step` unless it moved meanwhile (or got acknowledged). */
  async advance(db: Db, alarmId: string, from: number, step: number): Promise<boolean> {
    const rows = await this.sql.query<{ id: string }>(
      `WITH u AS (
         UPDATE alarms SET ack_escalation_step = :step, updated_at = now()
          WHERE id = :alarmId AND ack_escalation_step = :from AND status = 'open' RETURNING id)
       SELECT * FROM u`,
      { alarmId, from, step },
      db,
    );
    return rows.length > 0;
  }

  async enqueue(
    db: Db,
    m: {
      alarmId: string;
      step: number;
      level: EscalationLevel;
      contactId: string;
      contactName: string;
      channel: 'sms' | 'webhook';
      recipient: string;
      body: Record<string, unknown>;
    },
  ): Promise<void> {
    await this.sql.query(
      `INSERT INTO alarm_escalations (alarm_id, step, level, contact_id, contact_name, channel, recipient, body)
       VALUES (:alarmId, :step, :level, :contactId, :contactName, :channel, :recipient, CAST(:body AS jsonb))
       ON CONFLICT DO NOTHING`,
      { ...m, body: JSON.stringify(m.body) },
      db,
    );
  }

  /** Claims due messages (SKIP LOCKED, so replicas share the work), leasing them `leaseS` ahead. */
  claim(limit: number, leaseS: number): Promise<EscalationMessageRow[]> {
    return this.sql.query<EscalationMessageRow>(
      `WITH c AS (
         SELECT id FROM alarm_escalations WHERE status = 'pending' AND next_attempt_at <= now()
          ORDER BY next_attempt_at LIMIT :limit FOR UPDATE SKIP LOCKED),
       u AS (
         UPDATE alarm_escalations m SET next_attempt_at = now() + make_interval(secs => CAST(:leaseS AS int))
           FROM c WHERE m.id = c.id RETURNING m.*)
       SELECT ${MESSAGE} FROM u m`,
      { limit, leaseS },
    );
  }

  async recordAttempt(r: {
    id: string;
    previousAttempts: number;
    outcome: 'sent' | 'failed' | 'skipped' | 'retry';
    error: string | null;
    retryS: number;
  }): Promise<void> {
    await this.sql.query(
      `UPDATE alarm_escalations SET attempts = attempts + 1, last_error = :error,
              status = CASE WHEN :outcome = 'retry' THEN 'pending' ELSE :outcome END,
              sent_at = CASE WHEN :outcome = 'sent' THEN now() ELSE sent_at END,
              next_attempt_at = now() + make_interval(secs => CAST(:retryS AS int))
        WHERE id = :id AND attempts = :previousAttempts`,
      r,
    );
  }

  ofAlarm(alarmId: string): Promise<EscalationMessageRow[]> {
    return this.sql.query<EscalationMessageRow>(
      `SELECT ${MESSAGE} FROM alarm_escalations m WHERE m.alarm_id = :alarmId ORDER BY m.step, m.created_at, m.channel`,
      { alarmId },
    );
  }

  // ---- contacts ----

  listContacts(f: { organisationId?: string | null; regionPrefix?: string | null }): Promise<ContactRow[]> {
    return this.sql.query<ContactRow>(
      `SELECT ${CONTACT} FROM escalation_contacts c
         LEFT JOIN organisations o ON o.id = c.organisation_id LEFT JOIN regions r ON r.code = c.region_code
        WHERE c.active
          AND (CAST(:org AS uuid) IS NULL OR c.organisation_id = CAST(:org AS uuid))
          AND (CAST(:region AS text) IS NULL OR c.region_code LIKE CAST(:region AS text))
        ORDER BY o.name NULLS LAST, c.region_code, CASE c.level WHEN 'on_call' THEN 0 WHEN 'manager' THEN 1 ELSE 2 END,
                 c.position, c.name`,
      {
        org: f.organisationId ?? null,
        region: f.regionPrefix ? `${f.regionPrefix}%` : null,
      },
    );
  }

  findContact(id: string): Promise<ContactRow | undefined> {
    return this.sql.one<ContactRow>(
      `SELECT ${CONTACT} FROM escalation_contacts c
         LEFT JOIN organisations o ON o.id = c.organisation_id LEFT JOIN regions r ON r.code = c.region_code
        WHERE c.id = :id`,
      { id },
    );
  }

  async insertContact(
    db: Db,
    c: {
      organisationId: string | null;
      regionCode: string | null;
      level: EscalationLevel;
      position: number;
      name: string;
      phone: string | null;
      webhookUrl: string | null;
      userId: string | null;
    },
  ): Promise<string> {
    const row = await this.sql.one<{ id: string }>(
      `INSERT INTO escalation_contacts (organisation_id, region_code, level, position, name, phone, webhook_url, user_id)
       VALUES (:organisationId, :regionCode, :level, :position, :name, :phone, :webhookUrl, :userId) RETURNING id`,
      c,
      db,
    );
    if (!row) throw new Error('escalation contact: insert returned nothing');
    return row.id;
  }

  async deactivateContact(db: Db, id: string): Promise<void> {
    await this.sql.query(
      `UPDATE escalation_contacts SET active = false, updated_at = now() WHERE id = :id`,
      { id },
      db,
    );
  }

  organisationKind(id: string): Promise<{ kind: string } | undefined> {
    return this.sql.one(`SELECT kind FROM organisations WHERE id = :id`, { id });
  }

  regionExists(code: string): Promise<{ code: string } | undefined> {
    return this.sql.one(`SELECT code FROM regions WHERE code = :code`, { code });
  }
}
