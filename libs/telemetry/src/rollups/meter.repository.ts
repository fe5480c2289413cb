import { Injectable } from '@nestjs/common';
import { type Db, SqlRepository } from '@liftwatch/database';
import { type MeterReading, type MeterStep, readingKey } from './meter-steps';
import { type DirtyBucket } from './rollup.repository';

export interface BucketReadings extends DirtyBucket {
  readings: MeterReading[];
}

export interface MeterAnomalyRow {
  id: string;
  elevatorId: string;
  meterId: string;
  readingTs: Date;
  readingSeq: string;
  kwh: string;
  prevTs: Date | null;
  prevKwh: string | null;
  maxPlausibleKwh: string;
  kind: string;
  status: string;
  countedKwh: string | null;
  correctedReadingKwh: string | null;
  reason: string | null;
  resolvedByName: string | null;
  resolvedAt: Date | null;
  createdAt: Date;
  registrationCode: string;
  place: string;
}

const ANOMALY = `a.id, a.elevator_id AS "elevatorId", a.meter_id AS "meterId", a.reading_ts AS "readingTs",
  a.reading_seq AS "readingSeq", a.kwh, a.prev_ts AS "prevTs", a.prev_kwh AS "prevKwh",
  a.max_plausible_kwh AS "maxPlausibleKwh", a.kind, a.status, a.counted_kwh AS "countedKwh",
  a.corrected_reading_kwh AS "correctedReadingKwh", a.reason, a.resolved_by_name AS "resolvedByName",
  a.resolved_at AS "resolvedAt", a.created_at AS "createdAt", e.registration_code AS "registrationCode",
  b.community || ' ' || b.name || ' ' || u.name AS place`;
const FROM = `FROM meter_anomalies a JOIN elevators e ON e.id = a.elevator_id JOIN units u ON u.id = e.unit_id
  JOIN buildings b ON b.id = u.building_id`;

const toMkwh = (kwh: string | number): number => Math.round(Number(kwh) * 1000);

/** Meter readings as the energy rule needs them, and the anomalies it finds. */
@Injectable()
export class MeterRepository extends SqlRepository {
  /**
   * For each (elevator, hour): the two readings before the hour (the reference, and one before it
   * should the last be an outlier), the hour's readings, and the first after (to tell an outlier
   * from a jump that stays).
   */
  async windows(db: Db, buckets: readonly DirtyBucket[]): Promise<BucketReadings[]> {
    if (buckets.length === 0) return [];
    const rows = await this.sql.query<{
      elevator_id: string;
      bucket: Date;
      ts: Date;
      seq: string;
      kwh: string;
      meter_id: string;
    }>(
      `WITH d AS (SELECT * FROM unnest(CAST(:ids AS uuid[]), CAST(:hours AS timestamptz[])) AS d(elevator_id, bucket))
       SELECT d.elevator_id, d.bucket, r.ts, r.seq, r.kwh, r.meter_id FROM d CROSS JOIN LATERAL (
         (SELECT p.ts, p.seq, p.kwh, p.meter_id FROM meter_readings p
           WHERE p.elevator_id = d.elevator_id AND p.ts < d.bucket ORDER BY p.ts DESC, p.seq DESC LIMIT 2)
         UNION ALL
         (SELECT c.ts, c.seq, c.kwh, c.meter_id FROM meter_readings c
           WHERE c.elevator_id = d.elevator_id AND c.ts >= d.bucket AND c.ts < d.bucket + interval '1 hour')
         UNION ALL
         (SELECT n.ts, n.seq, n.kwh, n.meter_id FROM meter_readings n
           WHERE n.elevator_id = d.elevator_id AND n.ts >= d.bucket + interval '1 hour' ORDER BY n.ts, n.seq LIMIT 1)
       ) r
       ORDER BY d.elevator_id, d.bucket, r.ts, r.seq`,
      { ids: buckets.map((b) => b.elevatorId), hours: buckets.map((b) => b.bucket) },
      db,
    );
    const byKey = new Map<string, BucketReadings>();
    for (const b of buckets) byKey.set(`${b.elevatorId}|${b.bucket.getTime()}`, { ...b, readings: [] });
    for (const r of rows) {
      byKey.get(`${r.elevator_id}|${new Date(r.bucket).getTime()}`)?.readings.push({
        ts: new Date(r.ts).getTime(),
        seq: Number(r.seq),
        mkwh: toMkwh(r.kwh),
        meterId: r.meter_id,
      });
    }
    return [...byKey.values()];
  }

  /** Each elevator's rated power (kW), where known. */
  async ratedPower(db: Db, elevatorIds: readonly string[]): Promise<Map<string, number>> {
    if (elevatorIds.length === 0) return new Map();
    const rows = await this.sql.query<{ id: string; kw: string | null }>(
      `SELECT id, rated_power_kw AS kw FROM elevators WHERE id IN (:...ids) AND rated_power_kw IS NOT NULL`,
      { ids: [...new Set(elevatorIds)] },
      db,
    );
    return new Map(rows.map((r) => [r.id, Number(r.kw)]));
  }

  /** What people decided resolved spikes stand for: elevator → reading → milli-kWh. */
  async resolutions(db: Db, elevatorIds: readonly string[]): Promise<Map<string, Map<string, number>>> {
    const out = new Map<string, Map<string, number>>();
    if (elevatorIds.length === 0) return out;
    const rows = await this.sql.query<{ elevator_id: string; ts: Date; seq: string; kwh: string }>(
      `SELECT elevator_id, reading_ts AS ts, reading_seq AS seq, counted_kwh AS kwh FROM meter_anomalies
        WHERE elevator_id IN (:...ids) AND status IN ('accepted', 'corrected')`,
      { ids: [...new Set(elevatorIds)] },
      db,
    );
    for (const r of rows) {
      let m = out.get(r.elevator_id);
      if (!m) out.set(r.elevator_id, (m = new Map<string, number>()));
      m.set(readingKey({ ts: new Date(r.ts).getTime(), seq: Number(r.seq) }), toMkwh(r.kwh));
    }
    return out;
  }

  /**
   * Records what the rule found in one hour's readings: every step other than a normal one (a
   * spike open for a person, the rest noted), keeping a resolution already made; a step that is no
   * longer out of the ordinary (the next reading showed it was an outlier) withdraws its open row.
   */
  async record(db: Db, elevatorId: string, steps: readonly MeterStep[]): Promise<void> {
    const odd = steps.filter((s) => s.kind !== 'normal' && s.kind !== 'baseline');
    const plain = steps.filter((s) => s.kind === 'normal' || s.kind === 'baseline');
    if (odd.length > 0) {
      await this.sql.query(
        `INSERT INTO meter_anomalies AS m (elevator_id, meter_id, reading_ts, reading_seq, kwh, prev_ts, prev_kwh,
                                            max_plausible_kwh, kind, status)
         SELECT CAST(:elevatorId AS uuid), x.meter, to_timestamp(x.t / 1000.0), x.s, x.k / 1000.0,
                to_timestamp(x.pt / 1000.0), x.pk / 1000.0, x.mx / 1000.0, x.kind,
                CASE WHEN x.kind = 'spike' THEN 'open' ELSE 'noted' END
           FROM unnest(CAST(:meters AS text[]), CAST(:ts AS float8[]), CAST(:seqs AS int8[]), CAST(:kwh AS int8[]),
                       CAST(:prevTs AS float8[]), CAST(:prevKwh AS int8[]), CAST(:max AS int8[]), CAST(:kinds AS text[]))
                AS x(meter, t, s, k, pt, pk, mx, kind)
         ON CONFLICT (elevator_id, reading_ts, reading_seq) DO UPDATE SET
           kind = excluded.kind, prev_ts = excluded.prev_ts, prev_kwh = excluded.prev_kwh,
           max_plausible_kwh = excluded.max_plausible_kwh,
           status = CASE WHEN m.status IN ('accepted', 'corrected') THEN m.status ELSE excluded.status END,
           updated_at = now()
         WHERE m.kind IS DISTINCT FROM excluded.kind OR m.status = 'withdrawn'`,
        {
          elevatorId,
          meters: odd.map((s) => s.meterId),
          ts: odd.map((s) => s.ts),
          seqs: odd.map((s) => s.seq),
          kwh: odd.map((s) => s.mkwh),
          prevTs: odd.map((s) => s.prev?.ts ?? null),
          prevKwh: odd.map((s) => s.prev?.mkwh ?? null),
          max: odd.map((s) => s.maxPlausible),
          kinds: odd.map((s) => s.kind),
        },
        db,
      );
    }
    if (plain.length > 0) {
      await this.sql.query(
        `UPDATE meter_anomalies m SET status = 'withdrawn', updated_at = now()
           FROM unnest(CAST(:ts AS float8[]), CAST(:seqs AS int8[])) AS x(t, s)
          WHERE m.elevator_id = :elevatorId AND m.reading_ts = to_timestamp(x.t / 1000.0) AND m.reading_seq = x.s
            AND m.status IN ('open', 'noted')`,
        { elevatorId, ts: plain.map((s) => s.ts), seqs: plain.map((s) => s.seq) },
        db,
      );
    }
  }

  // ---- reads and resolutions (the API) ----

  list(f: {
    elevatorIds: string[] | null;
    visible: { sql: string; params: Record<string, unknown> } | null;
    status?: string;
    from?: Date;
    to?: Date;
    limit: number;
    offset: number;
  }): Promise<[MeterAnomalyRow[], number]> {
    const where = `WHERE a.status <> 'withdrawn'
        ${f.visible ? `AND a.elevator_id IN (${f.visible.sql})` : ''}
        AND (CAST(:ids AS uuid[]) IS NULL OR a.elevator_id = ANY(CAST(:ids AS uuid[])))
        AND (CAST(:status AS text) IS NULL OR a.status = CAST(:status AS text)
             OR (CAST(:status AS text) = 'resolved' AND a.status IN ('accepted', 'corrected')))
        AND (CAST(:from AS timestamptz) IS NULL OR a.reading_ts >= CAST(:from AS timestamptz))
        AND (CAST(:to AS timestamptz) IS NULL OR a.reading_ts < CAST(:to AS timestamptz))`;
    return this.sql.page<MeterAnomalyRow>(
      {
        columns: ANOMALY,
        from: `${FROM} ${where}`,
        orderBy: `(a.status = 'open') DESC, a.reading_ts DESC`,
        params: {
          ...(f.visible?.params ?? {}),
          ids: f.elevatorIds,
          status: f.status ?? null,
          from: f.from ?? null,
          to: f.to ?? null,
        },
      },
      f.limit,
      f.offset,
    );
  }

  find(id: string, db?: Db): Promise<MeterAnomalyRow | undefined> {
    return this.sql.one<MeterAnomalyRow>(`SELECT ${ANOMALY} ${FROM} WHERE a.id = :id`, { id }, db);
  }

  /** The readings around one (the five before and after), for the person deciding. */
  around(elevatorId: string, ts: Date): Promise<Array<{ ts: Date; kwh: string; meterId: string }>> {
    return this.sql.query(
      `(SELECT ts, kwh, meter_id AS "meterId" FROM meter_readings WHERE elevator_id = :elevatorId AND ts < :ts
         ORDER BY ts DESC LIMIT 5)
       UNION ALL
       (SELECT ts, kwh, meter_id FROM meter_readings WHERE elevator_id = :elevatorId AND ts >= :ts ORDER BY ts LIMIT 6)
       ORDER BY ts`,
      { elevatorId, ts },
    );
  }

  /** Records the decision once (an open spike only); false when it was decided meanwhile. */
  async resolve(
    db: Db,
    id: string,
    r: {
      status: 'accepted' | 'corrected';
      countedKwh: number;
      correctedReadingKwh: number | null;
      reason: string;
      userId: string;
      username: string;
    },
  ): Promise<boolean> {
    const rows = await this.sql.query<{ id: string }>(
      `WITH u AS (
         UPDATE meter_anomalies SET status = :status, counted_kwh = :countedKwh,
                corrected_reading_kwh = :correctedReadingKwh, reason = :reason, resolved_by = :userId,
                resolved_by_name = :username, resolved_at = now(), updated_at = now()
          WHERE id = :id AND status = 'open' RETURNING id)
       SELECT * FROM u`,
      { id, ...r },
      db,
    );
    return rows.length > 0;
  }

  /** Marks the hour of a reading for the rollup job, so a decision reaches the rollups and statements. */
  async markHour(db: Db, elevatorId: string, ts: Date): Promise<void> {
    await this.sql.query(
      `INSERT INTO rollup_dirty (elevator_id, bucket) VALUES (:elevatorId, date_trunc('hour', CAST(:ts AS timestamptz)))
       ON CONFLICT DO NOTHING`,
      { elevatorId, ts },
      db,
    );
  }

  /** Open spikes of an elevator in [from, to) (a statement's month). */
  async openCount(elevatorId: string, from: Date, to: Date, db?: Db): Promise<number> {
    const row = await this.sql.one<{ n: string }>(
      `SELECT count(*) AS n FROM meter_anomalies WHERE elevator_id = :elevatorId AND status = 'open'
          AND reading_ts >= :from AND reading_ts < :to`,
      { elevatorId, from, to },
      db,
    );
    return Number(row?.n ?? 0);
  }
}
