import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { makeAppendOnly } from './append-only';

/**
 * Entrapment handling that cannot lose a trapped passenger.
 *
 * - Technicians are users of their own role, bound to a maintenance firm, with the number of their
 *   special-equipment operator certificate (特种设备作业人员证) and a phone.
 * - An entrapment closed by hand records how the passengers got out (`release_method`); one the
 *   car goes on reporting after its closure is opened again (`reopen_count`), as the same incident.
 * - Every way of learning of an entrapment is a report on the alarm (`alarm_reports`): a passenger
 *   on the car's public page, the car's alarm button, a phone call the dispatcher records. The
 *   earliest starts the rescue clock; the car's own detection joins it (`device_confirmed_ts`).
 * - Unacknowledged rescue alarms escalate along a chain of contacts (`escalation_contacts`: the
 *   firm's on-call list, its manager, the region's duty line); each message is an outbox row
 *   (`alarm_escalations`) sent by SMS or webhook and retried.
 * - Dispatch names a technician: a work order per alarm (`work_orders`) the technician takes
 *   through accepted → en route → on site → done on the phone.
 */
export class RescueSafety1765300000000 implements MigrationInterface {
  name = 'RescueSafety1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_role_check`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_role_check
      CHECK (role IN ('admin', 'firm', 'technician', 'owner', 'agent', 'insurer', 'regulator'))`);
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_role_binding`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_role_binding CHECK (
      (role = 'admin' AND num_nonnulls(organisation_id, owner_id, unit_id, region_code) = 0)
      OR (role IN ('firm', 'insurer', 'technician') AND organisation_id IS NOT NULL
          AND num_nonnulls(owner_id, unit_id, region_code) = 0)
      OR (role = 'owner' AND owner_id IS NOT NULL AND num_nonnulls(organisation_id, unit_id, region_code) = 0)
      OR (role = 'agent' AND unit_id IS NOT NULL AND num_nonnulls(organisation_id, owner_id, region_code) = 0)
      OR (role = 'regulator' AND region_code IS NOT NULL AND num_nonnulls(organisation_id, owner_id, unit_id) = 0))`);
    await q.query(`ALTER TABLE users ADD COLUMN certificate_number text
      CHECK (certificate_number IS NULL OR length(certificate_number) BETWEEN 4 AND 40)`);
    await q.query(
      `ALTER TABLE users ADD COLUMN phone text CHECK (phone IS NULL OR phone ~ '^[0-9+\\- ]{5,20}$')`,
    );
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_technician_certificate
      CHECK (role <> 'technician' OR certificate_number IS NOT NULL)`);

    await q.query(`ALTER TABLE alarms DROP CONSTRAINT alarms_source_check`);
    await q.query(`ALTER TABLE alarms ADD CONSTRAINT alarms_source_check
      CHECK (source IN ('device', 'rule', 'public', 'phone'))`);
    await q.query(`ALTER TABLE alarms ADD COLUMN release_method text
      CHECK (release_method IN ('technician', 'firefighters', 'self_released', 'false_report'))`);
    await q.query(`ALTER TABLE alarms ADD COLUMN reopen_count smallint NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE alarms ADD COLUMN device_confirmed_ts timestamptz`);
    // the unacknowledged clock: from opening (or reopening) to the first acknowledgement
    await q.query(`ALTER TABLE alarms ADD COLUMN ack_clock_from timestamptz`);
    await q.query(`ALTER TABLE alarms ADD COLUMN ack_escalation_step smallint NOT NULL DEFAULT 0`);
    await q.query(`UPDATE alarms SET ack_clock_from = opened_at`);
    await q.query(`ALTER TABLE alarms ALTER COLUMN ack_clock_from SET DEFAULT now()`);
    await q.query(`ALTER TABLE alarms ALTER COLUMN ack_clock_from SET NOT NULL`);
    await q.query(`CREATE INDEX alarms_unacknowledged_idx ON alarms (ack_clock_from)
      WHERE status = 'open' AND rescue_deadline IS NOT NULL`);
    await q.query(`CREATE INDEX alarms_recently_closed_idx ON alarms (elevator_id, closed_at DESC)
      WHERE type = 'entrapment' AND status IN ('resolved', 'false_alarm')`);
    await q.query(`ALTER TABLE alarm_timeline ADD COLUMN actor_name text`);

    await q.query(`
      CREATE TABLE alarm_reports (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        alarm_id uuid NOT NULL REFERENCES alarms (id),
        at timestamptz NOT NULL,
        channel text NOT NULL CHECK (channel IN ('public', 'phone', 'alarm_button')),
        kind text NOT NULL CHECK (kind IN ('trapped', 'stopped', 'door', 'noise', 'other')),
        text text CHECK (length(text) <= 1000),
        callback_phone text CHECK (callback_phone ~ '^[0-9+\\- ]{5,20}$'),
        recorded_by uuid,
        recorded_by_name text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX alarm_reports_alarm_idx ON alarm_reports (alarm_id, at)`);
    await makeAppendOnly(q, 'alarm_reports');

    await q.query(`
      CREATE TABLE escalation_contacts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid REFERENCES organisations (id),
        region_code text REFERENCES regions (code),
        level text NOT NULL CHECK (level IN ('on_call', 'manager', 'duty_line')),
        position integer NOT NULL DEFAULT 1 CHECK (position BETWEEN 1 AND 99),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        phone text CHECK (phone ~ '^[0-9+\\- ]{5,20}$'),
        webhook_url text CHECK (length(webhook_url) <= 2000),
        user_id uuid REFERENCES users (id),
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT escalation_contacts_scope CHECK (
          (level IN ('on_call', 'manager') AND organisation_id IS NOT NULL AND region_code IS NULL)
          OR (level = 'duty_line' AND region_code IS NOT NULL AND organisation_id IS NULL)),
        CONSTRAINT escalation_contacts_reachable CHECK (num_nonnulls(phone, webhook_url) > 0)
      )`);
    await q.query(`CREATE INDEX escalation_contacts_org_idx ON escalation_contacts (organisation_id, level, position)
      WHERE active`);
    await q.query(`CREATE INDEX escalation_contacts_region_idx ON escalation_contacts (region_code)
      WHERE active`);

    await q.query(`
      CREATE TABLE alarm_escalations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        alarm_id uuid NOT NULL REFERENCES alarms (id),
        step integer NOT NULL,
        level text NOT NULL,
        contact_id uuid REFERENCES escalation_contacts (id),
        contact_name text NOT NULL,
        channel text NOT NULL CHECK (channel IN ('sms', 'webhook')),
        recipient text NOT NULL,
        body jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        sent_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (alarm_id, step, channel, recipient)
      )`);
    await q.query(`CREATE INDEX alarm_escalations_due_idx ON alarm_escalations (next_attempt_at)
      WHERE status = 'pending'`);
    await q.query(`CREATE INDEX alarm_escalations_alarm_idx ON alarm_escalations (alarm_id, step)`);

    await q.query(`
      CREATE TABLE work_orders (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        alarm_id uuid NOT NULL REFERENCES alarms (id),
        elevator_id uuid NOT NULL REFERENCES elevators (id),
        technician_id uuid NOT NULL REFERENCES users (id),
        assigned_by uuid NOT NULL,
        status text NOT NULL DEFAULT 'assigned'
          CHECK (status IN ('assigned', 'accepted', 'en_route', 'on_site', 'done', 'cancelled')),
        note text CHECK (length(note) <= 1000),
        assigned_at timestamptz NOT NULL DEFAULT now(),
        accepted_at timestamptz,
        departed_at timestamptz,
        arrived_at timestamptz,
        finished_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX work_orders_one_active ON work_orders (alarm_id)
      WHERE status NOT IN ('done', 'cancelled')`);
    await q.query(`CREATE INDEX work_orders_technician_idx ON work_orders (technician_id, status)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE work_orders`);
    await q.query(`DROP TABLE alarm_escalations`);
    await q.query(`DROP TABLE escalation_contacts`);
    await q.query(`DROP TABLE alarm_reports`);
    await q.query(`ALTER TABLE alarm_timeline DROP COLUMN actor_name`);
    await q.query(`DROP INDEX alarms_recently_closed_idx`);
    await q.query(`DROP INDEX alarms_unacknowledged_idx`);
    for (const c of [
      'ack_escalation_step',
      'ack_clock_from',
      'device_confirmed_ts',
      'reopen_count',
      'release_method',
    ])
      await q.query(`ALTER TABLE alarms DROP COLUMN ${c}`);
    await q.query(`ALTER TABLE alarms DROP CONSTRAINT alarms_source_check`);
    // alarms already reported by phone stay (alarms are evidence); the narrower check applies to new rows
    await q.query(`ALTER TABLE alarms ADD CONSTRAINT alarms_source_check
      CHECK (source IN ('device', 'rule', 'public')) NOT VALID`);
    await q.query(`DELETE FROM users WHERE role = 'technician'`);
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_technician_certificate`);
    await q.query(`ALTER TABLE users DROP COLUMN phone`);
    await q.query(`ALTER TABLE users DROP COLUMN certificate_number`);
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_role_binding`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_role_binding CHECK (
      (role = 'admin' AND num_nonnulls(organisation_id, owner_id, unit_id, region_code) = 0)
      OR (role IN ('firm', 'insurer') AND organisation_id IS NOT NULL AND num_nonnulls(owner_id, unit_id, region_code) = 0)
      OR (role = 'owner' AND owner_id IS NOT NULL AND num_nonnulls(organisation_id, unit_id, region_code) = 0)
      OR (role = 'agent' AND unit_id IS NOT NULL AND num_nonnulls(organisation_id, owner_id, region_code) = 0)
      OR (role = 'regulator' AND region_code IS NOT NULL AND num_nonnulls(organisation_id, owner_id, unit_id) = 0))`);
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_role_check`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_role_check
      CHECK (role IN ('admin', 'firm', 'owner', 'agent', 'insurer', 'regulator'))`);
  }
}
