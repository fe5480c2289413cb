import { Injectable } from '@nestjs/common';
import { SqlRepository } from '@liftwatch/database';
import { type EntityManager } from 'typeorm';

export interface DirtyBucket {
  elevatorId: string;
  bucket: Date;
}

/**
 * Rollup SQL, recomputed from raw data for the (elevator, hour) buckets that received data —
 * including late data — so a rollup never depends on arrival order.
 *
 * - trips: transitions running false → true;
 * - door cycles: transitions door closed → open;
 * - running seconds: time from each sample that says "running" to the next one (gaps over
 *   2 minutes are not counted: the device was silent, not running);
 * - kWh: what the energy rule (meter-steps.ts) counted for the hour's readings, given by the
 *   caller — increases the elevator could draw, resets, rollovers and replacements handled, a spike
 *   kept out until a person resolves it. Never negative, never counted twice.
 * The sample just before the hour is included, so transitions across the boundary count once.
 */
@Injectable()
export class RollupRepository extends SqlRepository {
  /** Takes a transaction-scoped advisory lock if free; false when another holds it. */
  async tryLock(em: EntityManager, key: number): Promise<boolean> {
    const row = await this.sql.one<{ ok: boolean }>(
      'SELECT pg_try_advisory_xact_lock(:key) AS ok',
      { key },
      em,
    );
    return row?.ok === true;
  }

  /** Takes a session-scoped advisory lock if free (release it with sessionUnlock). */
  async trySessionLock(em: EntityManager, key: number): Promise<boolean> {
    const row = await this.sql.one<{ ok: boolean }>('SELECT pg_try_advisory_lock(:key) AS ok', { key }, em);
    return row?.ok === true;
  }

  async sessionUnlock(em: EntityManager, key: number): Promise<void> {
    await this.sql.query('SELECT pg_advisory_unlock(:key)', { key }, em);
  }

  /** Puts marks back (a recompute that failed after its claim). */
  async markDirty(em: EntityManager, buckets: DirtyBucket[]): Promise<void> {
    if (buckets.length === 0) return;
    await this.sql.query(
      `INSERT INTO rollup_dirty (elevator_id, bucket)
       SELECT * FROM unnest(CAST(:elevatorIds AS uuid[]), CAST(:buckets AS timestamptz[]))
       ON CONFLICT DO NOTHING`,
      { elevatorIds: buckets.map((b) => b.elevatorId), buckets: buckets.map((b) => b.bucket) },
      em,
    );
  }

  /** Marks the current and previous hour of the elevators heard from in the last two hours. */
  async markRecentHours(em: EntityManager): Promise<void> {
    await this.sql.query(
      `INSERT INTO rollup_dirty (elevator_id, bucket)
       SELECT s.elevator_id, h FROM elevator_live_state s
        CROSS JOIN (VALUES (date_trunc('hour', now())), (date_trunc('hour', now()) - interval '1 hour')) AS v(h)
        WHERE s.last_seen_at > now() - interval '2 hours'
       ON CONFLICT DO NOTHING`,
      {},
      em,
    );
  }

  /** Creates the missing daily telemetry partitions for [first, last]; returns how many. */
  async ensurePartitions(em: EntityManager, first: string, last: string): Promise<number> {
    const row = await this.sql.one<{ n: number }>(
      'SELECT ensure_telemetry_partitions(CAST(:first AS date), CAST(:last AS date)) AS n',
      { first, last },
      em,
    );
    return Number(row?.n ?? 0);
  }

  /** Drops the telemetry partitions of days before `keepFrom`; returns how many. */
  async dropPartitionsBefore(em: EntityManager, keepFrom: string): Promise<number> {
    const row = await this.sql.one<{ n: number }>(
      'SELECT drop_telemetry_partitions(CAST(:keepFrom AS date)) AS n',
      { keepFrom },
      em,
    );
    return Number(row?.n ?? 0);
  }

  /** Takes up to `limit` dirty buckets (other workers skip the locked ones). */
  async claimDirty(em: EntityManager, limit: number): Promise<DirtyBucket[]> {
    const rows = await this.sql.query<{ elevator_id: string; bucket: Date }>(
      `WITH claimed AS (
         DELETE FROM rollup_dirty WHERE (elevator_id, bucket) IN (
           SELECT elevator_id, bucket FROM rollup_dirty ORDER BY bucket LIMIT :limit FOR UPDATE SKIP LOCKED)
         RETURNING elevator_id, bucket)
       SELECT elevator_id, bucket FROM claimed`,
      { limit },
      em,
    );
    return rows.map((r) => ({ elevatorId: r.elevator_id, bucket: r.bucket }));
  }

  async recomputeHourly(
    em: EntityManager,
    buckets: DirtyBucket[],
    faultCodes: readonly string[],
    /** milli-kWh counted per bucket, in the order of `buckets` */
    mkwh: readonly number[],
  ): Promise<void> {
    if (buckets.length === 0) return;
    await this.sql.query(
      `WITH d AS (
         SELECT * FROM unnest(CAST(:elevatorIds AS uuid[]), CAST(:buckets AS timestamptz[]), CAST(:mkwh AS int8[]))
                    AS d(elevator_id, bucket, mkwh)
       ),
       s AS (
         SELECT d.elevator_id, d.bucket, t.ts, t.running, t.door_closed,
                lag(t.running) OVER w AS prev_running,
                lag(t.door_closed) OVER w AS prev_door_closed,
                lag(t.ts) OVER w AS prev_ts
           FROM d
           CROSS JOIN LATERAL (
             (SELECT p.ts, p.seq, p.running, p.door_closed FROM telemetry_status p
               WHERE p.elevator_id = d.elevator_id AND p.ts < d.bucket AND p.ts >= d.bucket - interval '1 hour'
               ORDER BY p.ts DESC, p.seq DESC LIMIT 1)
             UNION ALL
             (SELECT c.ts, c.seq, c.running, c.door_closed FROM telemetry_status c
               WHERE c.elevator_id = d.elevator_id AND c.ts >= d.bucket AND c.ts < d.bucket + interval '1 hour')
           ) t
         WINDOW w AS (PARTITION BY d.elevator_id, d.bucket ORDER BY t.ts, t.seq)
       ),
       st AS (
         SELECT elevator_id, bucket,
                count(*) FILTER (WHERE ts >= bucket AND running AND prev_running = false) AS trips,
                count(*) FILTER (WHERE ts >= bucket AND door_closed = false AND prev_door_closed = true) AS door_cycles,
                coalesce(sum(extract(epoch FROM ts - greatest(prev_ts, bucket)))
                         FILTER (WHERE ts >= bucket AND prev_running AND ts - prev_ts <= interval '2 minutes'), 0) AS running_seconds,
                count(*) FILTER (WHERE ts >= bucket) AS samples
           FROM s GROUP BY elevator_id, bucket
       ),
       f AS (
         SELECT d.elevator_id, d.bucket, count(e.ts) AS faults
           FROM d LEFT JOIN device_events e
             ON e.elevator_id = d.elevator_id AND e.ts >= d.bucket AND e.ts < d.bucket + interval '1 hour'
            AND e.state = 'set' AND e.code = ANY(CAST(:faultCodes AS text[]))
          GROUP BY d.elevator_id, d.bucket
       )
       INSERT INTO elevator_rollup_hourly AS h
              (elevator_id, bucket, trips, running_seconds, door_cycles, kwh, fault_count, samples, computed_at)
       SELECT d.elevator_id, d.bucket, coalesce(st.trips, 0), round(coalesce(st.running_seconds, 0)),
              coalesce(st.door_cycles, 0), d.mkwh / 1000.0, coalesce(f.faults, 0), coalesce(st.samples, 0), now()
         FROM d
         LEFT JOIN st ON st.elevator_id = d.elevator_id AND st.bucket = d.bucket
         LEFT JOIN f ON f.elevator_id = d.elevator_id AND f.bucket = d.bucket
       ON CONFLICT (elevator_id, bucket) DO UPDATE SET
         trips = excluded.trips, running_seconds = excluded.running_seconds, door_cycles = excluded.door_cycles,
         kwh = excluded.kwh, fault_count = excluded.fault_count, samples = excluded.samples, computed_at = now()`,
      {
        elevatorIds: buckets.map((b) => b.elevatorId),
        buckets: buckets.map((b) => b.bucket),
        faultCodes: [...faultCodes],
        mkwh: [...mkwh],
      },
      em,
    );
  }

  /** Re-sums the business days (in `timeZone`) that contain the given hours. */
  async recomputeDaily(em: EntityManager, buckets: DirtyBucket[], timeZone: string): Promise<void> {
    if (buckets.length === 0) return;
    await this.sql.query(
      `WITH days AS (
         SELECT DISTINCT elevator_id, CAST(bucket AT TIME ZONE :timeZone AS date) AS day
           FROM unnest(CAST(:elevatorIds AS uuid[]), CAST(:buckets AS timestamptz[])) AS d(elevator_id, bucket)
       )
       INSERT INTO elevator_rollup_daily AS r
              (elevator_id, day, trips, running_seconds, door_cycles, kwh, fault_count, samples, computed_at)
       SELECT days.elevator_id, days.day, coalesce(sum(h.trips), 0), coalesce(sum(h.running_seconds), 0),
              coalesce(sum(h.door_cycles), 0), coalesce(sum(h.kwh), 0), coalesce(sum(h.fault_count), 0),
              coalesce(sum(h.samples), 0), now()
         FROM days
         LEFT JOIN elevator_rollup_hourly h
           ON h.elevator_id = days.elevator_id
          AND h.bucket >= (CAST(days.day AS timestamp) AT TIME ZONE :timeZone)
          AND h.bucket < (CAST(days.day + 1 AS timestamp) AT TIME ZONE :timeZone)
        GROUP BY days.elevator_id, days.day
       ON CONFLICT (elevator_id, day) DO UPDATE SET
         trips = excluded.trips, running_seconds = excluded.running_seconds, door_cycles = excluded.door_cycles,
         kwh = excluded.kwh, fault_count = excluded.fault_count, samples = excluded.samples, computed_at = now()`,
      { elevatorIds: buckets.map((b) => b.elevatorId), buckets: buckets.map((b) => b.bucket), timeZone },
      em,
    );
  }
}
