import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Telemetry: raw status samples (the hot path), device events, meter readings, the latest state
 * per elevator, and hourly/daily rollups.
 *
 * `telemetry_status` is a TimescaleDB hypertable (1-day chunks, compression after 7 days) in
 * TimescaleDB mode, and a natively range-partitioned table (one partition per business day,
 * created ahead by `ensure_telemetry_partitions`) in plain PostgreSQL mode. Queries see the same
 * table name either way. Rollups are maintained by the application in both modes: trips, door
 * cycles and running time come from transitions between consecutive samples (window functions),
 * which continuous aggregates cannot express.
 */
export class Telemetry1764100000000 implements MigrationInterface {
  name = 'Telemetry1764100000000';

  async up(q: QueryRunner): Promise<void> {
    const [mode] = (await q.query(
      `SELECT value FROM platform_settings WHERE key = 'storage_mode'`,
    )) as Array<{
      value: string;
    }>;
    const timescale = mode?.value === 'timescaledb';

    // Primary key (elevator_id, ts, seq): a message delivered twice (QoS 1 redelivery, replay after
    // reconnect) carries the same device time and sequence number and is stored once.
    const statusColumns = `
        elevator_id uuid NOT NULL,
        device_id uuid NOT NULL,
        ts timestamptz NOT NULL,
        seq bigint NOT NULL,
        received_at timestamptz NOT NULL,
        running boolean NOT NULL,
        direction smallint NOT NULL CHECK (direction BETWEEN 0 AND 2),
        floor smallint,
        door_zone boolean,
        door_closed boolean,
        passenger boolean,
        mode smallint NOT NULL CHECK (mode BETWEEN 0 AND 7),
        speed_mps real,
        load_kg smallint,
        PRIMARY KEY (elevator_id, ts, seq)`;
    if (timescale) {
      await q.query(`CREATE TABLE telemetry_status (${statusColumns})`);
      await q.query(`SELECT create_hypertable('telemetry_status', by_range('ts', INTERVAL '1 day'))`);
      await q.query(`
        ALTER TABLE telemetry_status SET (
          timescaledb.compress,
          timescaledb.compress_segmentby = 'elevator_id',
          timescaledb.compress_orderby = 'ts DESC, seq DESC'
        )`);
      await q.query(`SELECT add_compression_policy('telemetry_status', INTERVAL '7 days')`);
      await q.query(`SELECT add_retention_policy('telemetry_status', INTERVAL '400 days')`);
    } else {
      await q.query(`CREATE TABLE telemetry_status (${statusColumns}) PARTITION BY RANGE (ts)`);
    }

    // One partition per business day (Asia/Shanghai midnight to midnight). Idempotent.
    await q.query(`
      CREATE FUNCTION ensure_telemetry_partitions(first_day date, last_day date) RETURNS integer
      LANGUAGE plpgsql AS $$
      DECLARE
        d date := first_day;
        created integer := 0;
        part text;
      BEGIN
        IF (SELECT value FROM platform_settings WHERE key = 'storage_mode') = 'timescaledb' THEN
          RETURN 0; -- chunks are TimescaleDB's business
        END IF;
        WHILE d <= last_day LOOP
          part := format('telemetry_status_p%s', to_char(d, 'YYYYMMDD'));
          IF to_regclass(part) IS NULL THEN
            EXECUTE format(
              'CREATE TABLE %I PARTITION OF telemetry_status FOR VALUES FROM (%L) TO (%L)',
              part,
              (d::timestamp AT TIME ZONE 'Asia/Shanghai'),
              ((d + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'));
            created := created + 1;
          END IF;
          d := d + 1;
        END LOOP;
        RETURN created;
      END $$`);

    // Drops whole daily partitions older than `keep_days` (plain mode's retention policy).
    await q.query(`
      CREATE FUNCTION drop_telemetry_partitions(keep_from date) RETURNS integer
      LANGUAGE plpgsql AS $$
      DECLARE
        r record;
        dropped integer := 0;
      BEGIN
        FOR r IN
          SELECT c.relname FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid
            JOIN pg_class p ON p.oid = i.inhparent
           WHERE p.relname = 'telemetry_status' AND c.relname ~ '^telemetry_status_p[0-9]{8}$'
             AND to_date(substring(c.relname from '[0-9]{8}$'), 'YYYYMMDD') < keep_from
        LOOP
          EXECUTE format('DROP TABLE %I', r.relname);
          dropped := dropped + 1;
        END LOOP;
        RETURN dropped;
      END $$`);

    await q.query(`
      CREATE TABLE device_events (
        elevator_id uuid NOT NULL,
        device_id uuid NOT NULL,
        ts timestamptz NOT NULL,
        seq bigint NOT NULL,
        received_at timestamptz NOT NULL,
        code text NOT NULL CHECK (code ~ '^[A-Z0-9_]{1,32}$'),
        state text NOT NULL CHECK (state IN ('set', 'clear', 'pulse')),
        detail jsonb,
        PRIMARY KEY (elevator_id, ts, seq)
      )`);

    await q.query(`
      CREATE TABLE meter_readings (
        elevator_id uuid NOT NULL,
        device_id uuid NOT NULL,
        ts timestamptz NOT NULL,
        seq bigint NOT NULL,
        received_at timestamptz NOT NULL,
        meter_id text NOT NULL,
        kwh numeric(14, 3) NOT NULL CHECK (kwh >= 0),
        PRIMARY KEY (elevator_id, ts, seq)
      )`);

    // Latest known state per elevator. Only moves forward in device time: a late or replayed
    // sample never overwrites a newer one.
    await q.query(`
      CREATE TABLE elevator_live_state (
        elevator_id uuid PRIMARY KEY REFERENCES elevators (id) ON DELETE CASCADE,
        device_id uuid NOT NULL,
        ts timestamptz,
        seq bigint,
        running boolean,
        direction smallint,
        floor smallint,
        door_zone boolean,
        door_closed boolean,
        passenger boolean,
        mode smallint,
        speed_mps real,
        load_kg smallint,
        kwh numeric(14, 3),
        kwh_ts timestamptz,
        online boolean NOT NULL DEFAULT false,
        online_changed_at timestamptz,
        last_seen_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    const rollupColumns = `
        trips integer NOT NULL DEFAULT 0,
        running_seconds integer NOT NULL DEFAULT 0,
        door_cycles integer NOT NULL DEFAULT 0,
        kwh numeric(14, 3) NOT NULL DEFAULT 0,
        fault_count integer NOT NULL DEFAULT 0,
        samples integer NOT NULL DEFAULT 0,
        computed_at timestamptz NOT NULL DEFAULT now()`;
    await q.query(`
      CREATE TABLE elevator_rollup_hourly (
        elevator_id uuid NOT NULL,
        bucket timestamptz NOT NULL,
        ${rollupColumns},
        PRIMARY KEY (elevator_id, bucket)
      )`);
    await q.query(`
      CREATE TABLE elevator_rollup_daily (
        elevator_id uuid NOT NULL,
        day date NOT NULL,
        ${rollupColumns},
        PRIMARY KEY (elevator_id, day)
      )`);
    // Hours whose rollup must be recomputed because data for them arrived (possibly late).
    await q.query(`
      CREATE TABLE rollup_dirty (
        elevator_id uuid NOT NULL,
        bucket timestamptz NOT NULL,
        marked_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (elevator_id, bucket)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rollup_dirty`);
    await q.query(`DROP TABLE elevator_rollup_daily`);
    await q.query(`DROP TABLE elevator_rollup_hourly`);
    await q.query(`DROP TABLE elevator_live_state`);
    await q.query(`DROP TABLE meter_readings`);
    await q.query(`DROP TABLE device_events`);
    await q.query(`DROP FUNCTION drop_telemetry_partitions(date)`);
    await q.query(`DROP FUNCTION ensure_telemetry_partitions(date, date)`);
    await q.query(`DROP TABLE telemetry_status`);
  }
}
