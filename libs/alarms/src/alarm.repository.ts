import { Injectable } from '@nestjs/common';
import { Clock } from '@liftwatch/calendar';
import { type Db, Sql, SqlRepository } from '@liftwatch/database';
import { type AlarmTypeInfo } from './alarm-types';

export interface AlarmRow {
  id: string;
  elevator_id: string;
  type: string;
  severity: string;
  status: string;
  source: string;
  opened_at: Date;
  first_seen_ts: Date;
  last_seen_ts: Date;
  report_count: number;
  condition_cleared_ts: Date | null;
  rescue_deadline: Date | null;
  notified_ts: Date | null;
  arrived_at: Date | null;
  arrival_source: ArrivalSource | null;
  escalation_level: number;
  closed_at: Date | null;
  updated_at: Date;
  /** entrapments closed by hand: how the passengers got out */
  release_method: 'technician' | 'firefighters' | 'self_released' | 'false_report' | null;
  /** times the car went on reporting the entrapment after a closure, reopening it */
  reopen_count: number;
  /** a reported entrapment the car's own data joined */
  device_confirmed_ts: Date | null;
  /** start of the unacknowledged time (opening or reopening) */
  ack_clock_from: Date;
  ack_escalation_step: number;
}

export interface TimelineRow {
  id: string;
  at: Date;
  kind: string;
  actor_username: string;
  /** the person's name as it was when they acted; null for the platform and the public */
  actor_name: string | null;
  actor_role: string | null;
  note: string | null;
  data: Record<string, unknown> | null;
}

const OPEN = `status NOT IN ('resolved', 'false_alarm')`;

/** Where an arrival time comes from; see the rescue-evidence migration. */
export type ArrivalSource = 'check_in' | 'device' | 'manual' | 'status';

export interface ArrivalRow {
  id: string;
  at: Date;
  source: ArrivalSource;
  kind: string;
  recorded_by_name: string;
  reason: string | null;
  recorded_at: Date;
}

/**
 * Alarm SQL. Every write that changes an alarm appends to its timeline in the same transaction.
 * UPDATE/DELETE … RETURNING are wrapped in a CTE: TypeORM answers a bare one with [rows, count].
 */
@Injectable()
export class AlarmRepository extends SqlRepository {
  constructor(
    sql: Sql,
    private readonly clock: Clock,
  ) {
    super(sql);
  }

  /**
   * Opens the alarm or, when one of this type is open for the elevator, adds `count` reports to
   * it — one statement, so concurrent reports of the same condition cannot open two alarms.
   *
   * For alarms that need a rescue, `notifiedTs` (device time) is when the platform counts itself
   * notified: the rescue deadline is that plus the region's limit, whenever the data arrives.
   * `confirmed`: the car's own data raised it (a rule, a controller's fault code), as opposed to a
   * report by a person or the alarm button that the car's data may confirm later.
   */
  async report(
    db: Db,
    elevatorId: string,
    t: AlarmTypeInfo,
    source: 'device' | 'rule' | 'public' | 'phone',
    firstTs: number,
    lastTs: number,
    count: number,
    notifiedTs: number = firstTs,
    confirmed: boolean = source === 'rule' || source === 'device',
  ): Promise<{ alarm: AlarmRow; created: boolean }> {
    const rows = await this.sql.query<AlarmRow & { created: boolean }>(
      `INSERT INTO alarms AS a (elevator_id, type, severity, source, first_seen_ts, last_seen_ts, report_count,
                                notified_ts, rescue_deadline, device_confirmed_ts)
       SELECT e.id, :type, :severity, :source, to_timestamp(:firstTs / 1000.0), to_timestamp(:lastTs / 1000.0), :count,
              CASE WHEN :needsRescue THEN to_timestamp(:notifiedTs / 1000.0) END,
              CASE WHEN :needsRescue
                   THEN to_timestamp(:notifiedTs / 1000.0) + make_interval(mins => r.rescue_arrival_limit_min) END,
              CASE WHEN :confirmed THEN to_timestamp(:notifiedTs / 1000.0) END
         FROM elevators e JOIN units u ON u.id = e.unit_id JOIN buildings b ON b.id = u.building_id
         JOIN regions r ON r.code = b.region_code
        WHERE e.id = :elevatorId
       ON CONFLICT (elevator_id, type) WHERE ${OPEN} DO UPDATE SET
         report_count = a.report_count + excluded.report_count,
         first_seen_ts = least(a.first_seen_ts, excluded.first_seen_ts),
         last_seen_ts = greatest(a.last_seen_ts, excluded.last_seen_ts),
         notified_ts = least(a.notified_ts, excluded.notified_ts),
         rescue_deadline = least(a.rescue_deadline, excluded.rescue_deadline),
         updated_at = now()
       RETURNING a.*, (xmax = 0) AS created`,
      {
        elevatorId,
        type: t.type,
        severity: t.severity,
        source,
        firstTs,
        lastTs,
        count,
        needsRescue: t.needsRescue,
        notifiedTs,
        confirmed,
      },
      db,
    );
    const row = rows[0];
    if (!row) throw new Error(`elevator ${elevatorId} not found for alarm`);
    const { created, ...alarm } = row;
    if (created) {
      await this.append(db, alarm.id, 'opened', null, 'system', null, { source, type: t.type });
      if (t.stopsService) await this.noticeOutage(db, alarm, t);
    }
    return { alarm, created };
  }

  /**
   * The owners of the unit hear that their elevator is out of service, in the transaction that
   * opens the alarm (the alarm's outbox, like its webhooks). Read through `GET /notifications`.
   */
  private async noticeOutage(db: Db, alarm: AlarmRow, t: AlarmTypeInfo): Promise<void> {
    await this.sql.query(
      `INSERT INTO notifications (kind, elevator_id, recipient_unit_id, dedupe_key, title, data)
       SELECT 'outage', e.id, e.unit_id, 'outage:' || CAST(:alarmId AS text),
              e.registration_code || ': out of service (' || CAST(:nameEn AS text) || ')',
              jsonb_build_object('alarmId', CAST(:alarmId AS text), 'type', CAST(:type AS text),
                'since', CAST(:since AS timestamptz), 'nameZh', CAST(:nameZh AS text),
                'nameEn', CAST(:nameEn AS text), 'registrationCode', e.registration_code)
         FROM elevators e WHERE e.id = :elevatorId
       ON CONFLICT DO NOTHING`,
      {
        elevatorId: alarm.elevator_id,
        alarmId: alarm.id,
        nameEn: t.nameEn,
        type: t.type,
        since: alarm.first_seen_ts,
        nameZh: t.nameZh,
      },
      db,
    );
  }

  async byId(db: Db, id: string): Promise<AlarmRow | null> {
    return (await this.sql.one<AlarmRow>(`SELECT * FROM alarms WHERE id = :id`, { id }, db)) ?? null;
  }

  /**
   * A new entrapment begins while the last one's alarm is still open although the car showed its
   * release before: that incident is over by the car's data, so it is closed (resolved by the
   * platform, on its timeline) and the new one gets an alarm and a rescue clock of its own —
   * instead of joining the old alarm, which would give it the old clock and show it released.
   */
  async closeReleasedEntrapment(db: Db, elevatorId: string, beginsTs: number): Promise<AlarmRow | null> {
    const closed =
      (await this.sql.one<AlarmRow>(
        `WITH u AS (
           UPDATE alarms SET status = 'resolved', closed_at = now(), updated_at = now()
            WHERE elevator_id = :elevatorId AND type = 'entrapment' AND ${OPEN}
              AND condition_cleared_ts IS NOT NULL AND condition_cleared_ts <= to_timestamp(:beginsTs / 1000.0)
            RETURNING *)
         SELECT * FROM u`,
        { elevatorId, beginsTs },
        db,
      )) ?? null;
    if (closed)
      await this.append(db, closed.id, 'resolved', null, 'system', null, {
        reason: 'released_then_new_entrapment',
        releasedTs: closed.condition_cleared_ts?.toISOString() ?? null,
      });
    return closed;
  }

  async findOpen(db: Db, elevatorId: string, type: string): Promise<AlarmRow | null> {
    return (
      (await this.sql.one<AlarmRow>(
        `SELECT * FROM alarms WHERE elevator_id = :elevatorId AND type = :type AND ${OPEN}`,
        { elevatorId, type },
        db,
      )) ?? null
    );
  }

  /** The device says the condition is over: record when, and resolve if the type allows. */
  async conditionCleared(db: Db, alarm: AlarmRow, clearedTs: number, autoClear: boolean): Promise<AlarmRow> {
    const after =
      (await this.sql.one<AlarmRow>(
        `WITH u AS (
           UPDATE alarms SET condition_cleared_ts = coalesce(condition_cleared_ts, to_timestamp(:clearedTs / 1000.0)),
                  status = CASE WHEN :autoClear THEN 'resolved' ELSE status END,
                  closed_at = CASE WHEN :autoClear THEN now() ELSE closed_at END,
                  updated_at = now()
            WHERE id = :id RETURNING *)
         SELECT * FROM u`,
        { id: alarm.id, clearedTs, autoClear },
        db,
      )) ?? alarm;
    const trappedSeconds =
      after.condition_cleared_ts !== null
        ? (after.condition_cleared_ts.getTime() - after.first_seen_ts.getTime()) / 1000
        : null;
    await this.append(db, alarm.id, autoClear ? 'cleared' : 'condition_ended', null, 'system', null, {
      clearedTs: new Date(clearedTs).toISOString(),
      ...(alarm.type === 'entrapment' ? { trappedSeconds } : {}),
    });
    return after;
  }

  /** Moves an alarm from one status to another if nobody moved it meanwhile. */
  async setStatus(db: Db, id: string, from: string, to: string): Promise<AlarmRow | null> {
    return (
      (await this.sql.one<AlarmRow>(
        `WITH u AS (
           UPDATE alarms SET status = :to, updated_at = now(),
                  closed_at = CASE WHEN :to IN ('resolved', 'false_alarm') THEN now() ELSE closed_at END
            WHERE id = :id AND status = :from RETURNING *)
         SELECT * FROM u`,
        { id, from, to },
        db,
      )) ?? null
    );
  }

  async escalate(db: Db, id: string, level: number, kind: string): Promise<AlarmRow | null> {
    const row = await this.sql.one<AlarmRow>(
      `WITH u AS (
         UPDATE alarms SET escalation_level = :level, updated_at = now()
          WHERE id = :id AND escalation_level < :level RETURNING *)
       SELECT * FROM u`,
      { id, level },
      db,
    );
    if (row) await this.append(db, id, kind, null, 'system', null, { level });
    return row ?? null;
  }

  async append(
    db: Db,
    alarmId: string,
    kind: string,
    actorUserId: string | null,
    actorUsername: string,
    note: string | null,
    data: Record<string, unknown> | null,
  ): Promise<void> {
    await this.sql.query(
      `INSERT INTO alarm_timeline (alarm_id, kind, actor_user_id, actor_username, actor_name, note, data)
       VALUES (:alarmId, :kind, :actorUserId, :actorUsername,
               (SELECT display_name FROM users WHERE id = :actorUserId), :note, CAST(:data AS jsonb))`,
      { alarmId, kind, actorUserId, actorUsername, note, data: data ? JSON.stringify(data) : null },
      db,
    );
    await this.enqueueWebhooks(db, alarmId, kind, actorUsername, note);
  }

  /**
   * Outbox: one delivery per active webhook of each organisation currently assigned to the
   * elevator (its maintenance firm, its insurer), in the transaction of the change.
   */
  private async enqueueWebhooks(
    db: Db,
    alarmId: string,
    event: string,
    actor: string,
    note: string | null,
  ): Promise<void> {
    await this.sql.query(
      `INSERT INTO webhook_deliveries (webhook_id, alarm_id, event, payload)
       SELECT w.id, a.id, CAST(:event AS text),
              jsonb_build_object('event', CAST(:event AS text), 'at', now(), 'actor', CAST(:actor AS text),
                'note', CAST(:note AS text),
                'alarm', jsonb_build_object('id', a.id, 'elevatorId', a.elevator_id, 'type', a.type, 'severity', a.severity,
                  'status', a.status, 'firstSeenTs', a.first_seen_ts, 'lastSeenTs', a.last_seen_ts,
                  'reportCount', a.report_count, 'conditionClearedTs', a.condition_cleared_ts,
                  'rescueDeadline', a.rescue_deadline, 'escalationLevel', a.escalation_level))
         FROM alarms a
         JOIN elevator_coverage ea ON ea.elevator_id = a.elevator_id
              AND ea.valid_from <= CAST(:day AS date) AND (ea.valid_to IS NULL OR ea.valid_to > CAST(:day AS date))
         JOIN webhooks w ON w.organisation_id = ea.organisation_id AND w.active
        WHERE a.id = :alarmId`,
      // the business day (BUSINESS_TIMEZONE), as contracts and policies count their days
      { alarmId, event, actor, note, day: this.clock.today() },
      db,
    );
  }

  // ---- arrival on site (rescue evidence) ----

  /** Records one piece of arrival evidence (append-only) and settles the arrival that counts. */
  async addArrival(
    db: Db,
    alarmId: string,
    a: {
      at: Date;
      source: ArrivalSource;
      kind: string;
      userId: string | null;
      username: string;
      reason: string | null;
    },
  ): Promise<AlarmRow> {
    await this.sql.query(
      `INSERT INTO alarm_arrivals (alarm_id, at, source, kind, recorded_by, recorded_by_name, reason)
       VALUES (:alarmId, :at, :source, :kind, :userId, :username, :reason)
       ON CONFLICT DO NOTHING`,
      {
        alarmId,
        at: a.at,
        source: a.source,
        kind: a.kind,
        userId: a.userId,
        username: a.username,
        reason: a.reason,
      },
      db,
    );
    return this.settleArrival(db, alarmId);
  }

  /**
   * The arrival that counts: the earliest of the direct evidence (a check-in at the car, the
   * elevator's own data); failing that the earliest back-dated entry; failing that the time someone
   * set the alarm on site.
   */
  async settleArrival(db: Db, alarmId: string): Promise<AlarmRow> {
    const row = await this.sql.one<AlarmRow>(
      `WITH best AS (
         SELECT at, source FROM alarm_arrivals WHERE alarm_id = :alarmId
          ORDER BY CASE source WHEN 'check_in' THEN 0 WHEN 'device' THEN 0 WHEN 'manual' THEN 1 ELSE 2 END, at
          LIMIT 1),
       u AS (
         UPDATE alarms a SET arrived_at = best.at, arrival_source = best.source, updated_at = now()
           FROM best WHERE a.id = :alarmId
         RETURNING a.*)
       SELECT * FROM u`,
      { alarmId },
      db,
    );
    if (!row) throw new Error(`alarm ${alarmId} has no arrival evidence`);
    return row;
  }

  async arrivals(db: Db, alarmIds: string[]): Promise<Array<ArrivalRow & { alarm_id: string }>> {
    if (alarmIds.length === 0) return [];
    return this.sql.query<ArrivalRow & { alarm_id: string }>(
      `SELECT id, alarm_id, at, source, kind, recorded_by_name, reason, recorded_at
         FROM alarm_arrivals WHERE alarm_id = ANY(CAST(:alarmIds AS uuid[])) ORDER BY at, id`,
      { alarmIds },
      db,
    );
  }

  /** Rescue alarms opened recently that have no arrival evidence from the elevator's data yet. */
  async awaitingDeviceArrival(db: Db, withinHours: number): Promise<AlarmRow[]> {
    return this.sql.query<AlarmRow>(
      `SELECT a.* FROM alarms a
        WHERE a.type = 'entrapment' AND a.notified_ts IS NOT NULL
          AND a.opened_at > now() - make_interval(hours => :withinHours)
          AND NOT EXISTS (SELECT 1 FROM alarm_arrivals x WHERE x.alarm_id = a.id AND x.source = 'device')`,
      { withinHours },
      db,
    );
  }

  /**
   * The elevator's own evidence that someone arrived, within `windowMs` of the start: the car put
   * into inspection mode (service mode 2: only a technician at the car does that). A door opening
   * after the release is not: a car that recovers by itself opens its doors at a floor too, and
   * that is no rescuer's arrival.
   */
  async deviceArrivalEvidence(
    db: Db,
    alarm: AlarmRow,
    windowMs: number,
  ): Promise<Array<{ kind: 'inspection_mode'; at: Date }>> {
    const from = alarm.first_seen_ts;
    const until = new Date(from.getTime() + windowMs);
    const rows = await this.sql.query<{ kind: 'inspection_mode'; at: Date | null }>(
      `SELECT 'inspection_mode' AS kind, min(ts) AS at FROM telemetry_status
        WHERE elevator_id = :elevatorId AND ts >= :from AND ts <= :until AND mode = 2`,
      { elevatorId: alarm.elevator_id, from, until },
      db,
    );
    return rows.filter((r): r is { kind: 'inspection_mode'; at: Date } => r.at !== null);
  }

  async timeline(db: Db, alarmId: string): Promise<TimelineRow[]> {
    return this.sql.query<TimelineRow>(
      `SELECT t.id, t.at, t.kind, t.actor_username, t.actor_name, u.role AS actor_role, t.note, t.data
         FROM alarm_timeline t LEFT JOIN users u ON u.id = t.actor_user_id
        WHERE t.alarm_id = :alarmId ORDER BY t.id`,
      { alarmId },
      db,
    );
  }

  // ---- rule state (conditions spanning time) ----

  async holdCondition(
    db: Db,
    elevatorId: string,
    rule: string,
    sinceTs: number,
    lastTs: number,
  ): Promise<{ since: number; last: number }> {
    const rows = await this.sql.query<{ since: number; last: number }>(
      `INSERT INTO rule_state AS r (elevator_id, rule, since_ts, last_ts)
       VALUES (:elevatorId, :rule, to_timestamp(:sinceTs / 1000.0), to_timestamp(:lastTs / 1000.0))
       ON CONFLICT (elevator_id, rule) DO UPDATE SET
         since_ts = least(r.since_ts, excluded.since_ts), last_ts = greatest(r.last_ts, excluded.last_ts)
       RETURNING (extract(epoch FROM since_ts) * 1000)::float8 AS since, (extract(epoch FROM last_ts) * 1000)::float8 AS last`,
      { elevatorId, rule, sinceTs, lastTs },
      db,
    );
    return { since: Number(rows[0]?.since), last: Number(rows[0]?.last) };
  }

  /** Ends a condition that had begun before `endedTs`; returns when it began, null if none was held. */
  async endCondition(db: Db, elevatorId: string, rule: string, endedTs: number): Promise<number | null> {
    const rows = await this.sql.query<{ since: number }>(
      `WITH d AS (
         DELETE FROM rule_state
          WHERE elevator_id = :elevatorId AND rule = :rule AND since_ts <= to_timestamp(:endedTs / 1000.0)
         RETURNING (extract(epoch FROM since_ts) * 1000)::float8 AS since)
       SELECT * FROM d`,
      { elevatorId, rule, endedTs },
      db,
    );
    return rows[0] ? Number(rows[0].since) : null;
  }

  /** The newest alarm of this type, already closed, that a condition held since `sinceTs` raised. */
  async closedSince(db: Db, elevatorId: string, type: string, sinceTs: number): Promise<AlarmRow | null> {
    const row = await this.sql.one<AlarmRow>(
      `SELECT * FROM alarms
        WHERE elevator_id = :elevatorId AND type = :type AND NOT (${OPEN})
          -- (device times are whole milliseconds; their round trips through float seconds may
          -- differ by a microsecond, so the comparison allows under a millisecond)
          AND first_seen_ts > to_timestamp(:sinceTs / 1000.0) - interval '1 millisecond'
        ORDER BY first_seen_ts DESC LIMIT 1`,
      { elevatorId, type, sinceTs },
      db,
    );
    return row ?? null;
  }

  /** Door faults the device reported in the `windowS` seconds up to `lastTs`, and the first one's time. */
  async doorFaultsBefore(
    db: Db,
    elevatorId: string,
    codes: readonly string[],
    lastTs: number,
    windowS: number,
  ): Promise<{ n: number; first: number }> {
    const row = await this.sql.one<{ n: string; first: number }>(
      `SELECT count(*) AS n, (extract(epoch FROM min(ts)) * 1000)::float8 AS first FROM device_events
        WHERE elevator_id = :elevatorId AND code = ANY(CAST(:codes AS text[])) AND state = 'set'
          AND ts > to_timestamp(:lastTs / 1000.0) - make_interval(secs => :windowS)
          AND ts <= to_timestamp(:lastTs / 1000.0)`,
      { elevatorId, codes: [...codes], lastTs, windowS },
      db,
    );
    return { n: Number(row?.n ?? 0), first: Number(row?.first) };
  }

  /** Rated speed (m/s) of every elevator that has one. */
  async ratedSpeeds(db: Db): Promise<Map<string, number>> {
    const rows = await this.sql.query<{ id: string; speed: number }>(
      `SELECT id, rated_speed_mps::float8 AS speed FROM elevators WHERE rated_speed_mps IS NOT NULL`,
      {},
      db,
    );
    return new Map(rows.map((r) => [r.id, Number(r.speed)]));
  }

  /** Takes a transaction-scoped advisory lock if free; false when another holds it. */
  async tryLock(db: Db, key: number): Promise<boolean> {
    const row = await this.sql.one<{ ok: boolean }>(
      'SELECT pg_try_advisory_xact_lock(:key) AS ok',
      { key },
      db,
    );
    return row?.ok === true;
  }

  /**
   * Rescue alarms whose escalation level is behind (1 near the deadline, 2 past it), while people
   * may still be trapped and nobody has arrived — a released entrapment (also one replayed from a
   * buffer after the fact) or one with rescuers on site never escalates.
   */
  async dueEscalations(db: Db, beforeDeadlineS: number): Promise<Array<AlarmRow & { due_level: number }>> {
    return this.sql.query<AlarmRow & { due_level: number }>(
      `SELECT a.*, CASE WHEN now() >= a.rescue_deadline THEN 2 ELSE 1 END AS due_level
         FROM alarms a
        WHERE a.rescue_deadline IS NOT NULL AND a.status IN ('open', 'acknowledged', 'dispatched')
          AND a.condition_cleared_ts IS NULL AND a.arrived_at IS NULL
          AND a.escalation_level < CASE WHEN now() >= a.rescue_deadline THEN 2
                                        WHEN now() >= a.rescue_deadline - make_interval(secs => :beforeDeadlineS)
                                        THEN 1 ELSE 0 END`,
      { beforeDeadlineS },
      db,
    );
  }

  /** Elevators silent for longer than `afterS` (or marked offline) that have no open offline alarm. */
  async silentWithoutOfflineAlarm(
    db: Db,
    afterS: number,
  ): Promise<Array<{ elevator_id: string; since: number }>> {
    return this.sql.query<{ elevator_id: string; since: number }>(
      `SELECT s.elevator_id, (extract(epoch FROM coalesce(s.last_seen_at, s.online_changed_at, s.updated_at)) * 1000)::float8 AS since
         FROM elevator_live_state s
        WHERE (s.online = false OR s.last_seen_at < now() - make_interval(secs => :afterS))
          AND coalesce(s.last_seen_at, s.online_changed_at, s.updated_at) < now() - make_interval(secs => :afterS)
          AND NOT EXISTS (SELECT 1 FROM alarms a WHERE a.elevator_id = s.elevator_id AND a.type = 'offline'
                          AND ${OPEN})`,
      { afterS },
      db,
    );
  }

  /** Open offline alarms whose elevator is online and heard from within `afterS`, with when it was last heard. */
  async offlineButBack(db: Db, afterS: number): Promise<Array<{ alarm: AlarmRow; lastSeenTs: number }>> {
    const rows = await this.sql.query<AlarmRow & { last_seen_ms: number }>(
      `SELECT a.*, (extract(epoch FROM s.last_seen_at) * 1000)::float8 AS last_seen_ms
         FROM alarms a JOIN elevator_live_state s ON s.elevator_id = a.elevator_id
        WHERE a.type = 'offline' AND a.${OPEN}
          AND s.online AND s.last_seen_at >= now() - make_interval(secs => :afterS)`,
      { afterS },
      db,
    );
    return rows.map(({ last_seen_ms, ...alarm }) => ({ alarm, lastSeenTs: Number(last_seen_ms) }));
  }

  /** Conditions held now: elevator → since (device time). */
  async activeConditions(db: Db, rule: string): Promise<Map<string, number>> {
    const rows = await this.sql.query<{ elevator_id: string; since: number }>(
      `SELECT elevator_id, (extract(epoch FROM since_ts) * 1000)::float8 AS since FROM rule_state WHERE rule = :rule`,
      { rule },
      db,
    );
    return new Map(rows.map((r) => [r.elevator_id, Number(r.since)]));
  }

  /** holdCondition for many elevators in one statement; returns each one's (earliest) since. */
  async holdConditions(
    db: Db,
    rule: string,
    holds: ReadonlyArray<{ elevatorId: string; since: number; last: number }>,
  ): Promise<Map<string, number>> {
    if (holds.length === 0) return new Map();
    const rows = await this.sql.query<{ elevator_id: string; since: number }>(
      `INSERT INTO rule_state AS r (elevator_id, rule, since_ts, last_ts)
       SELECT e, :rule, to_timestamp(s / 1000.0), to_timestamp(l / 1000.0)
         FROM unnest(CAST(:elevatorIds AS uuid[]), CAST(:sinces AS float8[]), CAST(:lasts AS float8[])) AS x(e, s, l)
       ON CONFLICT (elevator_id, rule) DO UPDATE SET
         since_ts = least(r.since_ts, excluded.since_ts), last_ts = greatest(r.last_ts, excluded.last_ts)
       RETURNING elevator_id, (extract(epoch FROM since_ts) * 1000)::float8 AS since`,
      {
        elevatorIds: holds.map((h) => h.elevatorId),
        sinces: holds.map((h) => h.since),
        lasts: holds.map((h) => h.last),
        rule,
      },
      db,
    );
    return new Map(rows.map((r) => [r.elevator_id, Number(r.since)]));
  }

  /** endCondition for many elevators in one statement; returns when each ended one began. */
  async endConditions(
    db: Db,
    rule: string,
    ends: ReadonlyArray<{ elevatorId: string; endedTs: number }>,
  ): Promise<Map<string, number>> {
    if (ends.length === 0) return new Map();
    const rows = await this.sql.query<{ elevator_id: string; since: number }>(
      `WITH d AS (
         DELETE FROM rule_state r USING unnest(CAST(:elevatorIds AS uuid[]), CAST(:endedTs AS float8[])) AS x(e, t)
          WHERE r.elevator_id = x.e AND r.rule = :rule AND r.since_ts <= to_timestamp(x.t / 1000.0)
         RETURNING r.elevator_id, (extract(epoch FROM r.since_ts) * 1000)::float8 AS since)
       SELECT * FROM d`,
      { elevatorIds: ends.map((e) => e.elevatorId), endedTs: ends.map((e) => e.endedTs), rule },
      db,
    );
    return new Map(rows.map((r) => [r.elevator_id, Number(r.since)]));
  }

  /**
   * For each elevator, findOpen, or else closedSince its condition's start: the alarm a
   * condition that just ended belongs to, in one statement for many elevators.
   */
  async conditionAlarms(
    db: Db,
    type: string,
    of: ReadonlyArray<{ elevatorId: string; since: number | null }>,
  ): Promise<AlarmRow[]> {
    if (of.length === 0) return [];
    return this.sql.query<AlarmRow>(
      `SELECT DISTINCT ON (a.elevator_id) a.*
         FROM alarms a JOIN unnest(CAST(:elevatorIds AS uuid[]), CAST(:sinces AS float8[])) AS x(e, s)
           ON a.elevator_id = x.e
        WHERE a.type = :type
          AND (a.${OPEN} OR (x.s IS NOT NULL AND a.first_seen_ts > to_timestamp(x.s / 1000.0) - interval '1 millisecond'))
        ORDER BY a.elevator_id, (a.${OPEN}) DESC, a.first_seen_ts DESC`,
      { elevatorIds: of.map((o) => o.elevatorId), sinces: of.map((o) => o.since), type },
      db,
    );
  }

  /** Conditions that have lasted long enough (platform clock) and have no open alarm yet. */
  async dueConditions(
    db: Db,
    rule: string,
    alarmType: string,
    seconds: number,
  ): Promise<Array<{ elevatorId: string; since: number; last: number }>> {
    const rows = await this.sql.query<{ elevator_id: string; since: number; last: number }>(
      `SELECT r.elevator_id, (extract(epoch FROM r.since_ts) * 1000)::float8 AS since,
              (extract(epoch FROM r.last_ts) * 1000)::float8 AS last
         FROM rule_state r
        WHERE r.rule = :rule AND r.since_ts <= now() - make_interval(secs => :seconds)
          AND NOT EXISTS (SELECT 1 FROM alarms a WHERE a.elevator_id = r.elevator_id AND a.type = :alarmType
                             AND (a.${OPEN} OR a.first_seen_ts > r.since_ts - interval '1 millisecond'))`,
      { rule, alarmType, seconds },
      db,
    );
    return rows.map((r) => ({ elevatorId: r.elevator_id, since: Number(r.since), last: Number(r.last) }));
  }
}
