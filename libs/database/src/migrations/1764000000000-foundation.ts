import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Foundation: platform settings (with the storage-mode switch), the registry, users and the audit log.
 */
export class Foundation1764000000000 implements MigrationInterface {
  name = 'Foundation1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE platform_settings (
        key text PRIMARY KEY,
        value text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    // The storage-mode switch. The requested mode arrives as the connection setting
    // liftwatch.storage_mode (auto | timescaledb | postgres). TimescaleDB needs the extension to be
    // installable (shared_preload_libraries); the DO block's exception handler is an implicit
    // savepoint, so a failed CREATE EXTENSION does not abort the migration.
    await q.query(`
      DO $$
      DECLARE
        requested text := coalesce(nullif(current_setting('liftwatch.storage_mode', true), ''), 'auto');
        mode text := 'postgres';
      BEGIN
        IF requested IN ('auto', 'timescaledb')
           AND EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
          BEGIN
            CREATE EXTENSION IF NOT EXISTS timescaledb;
            mode := 'timescaledb';
          EXCEPTION WHEN OTHERS THEN
            RAISE NOTICE 'timescaledb is available but could not be created: %', SQLERRM;
          END;
        END IF;
        IF requested = 'timescaledb' AND mode <> 'timescaledb' THEN
          RAISE EXCEPTION 'STORAGE_MODE=timescaledb but the timescaledb extension cannot be created on this server';
        END IF;
        INSERT INTO platform_settings (key, value) VALUES ('storage_mode', mode);
      END $$`);

    await q.query(`
      CREATE FUNCTION forbid_mutation() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);

    await q.query(`
      CREATE TABLE regions (
        code text PRIMARY KEY CHECK (code ~ '^[0-9]{6}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        name_en text,
        level text NOT NULL CHECK (level IN ('province', 'prefecture', 'county')),
        parent_code text REFERENCES regions (code),
        rescue_arrival_limit_min integer NOT NULL DEFAULT 30 CHECK (rescue_arrival_limit_min BETWEEN 1 AND 240),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX regions_parent_idx ON regions (parent_code)`);

    await q.query(`
      CREATE TABLE organisations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('maintenance_firm', 'insurer', 'manufacturer', 'installer', 'designer', 'constructor')),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        uscc text UNIQUE CHECK (length(uscc) = 18),
        licence_number text,
        licence_valid_until date,
        credit_rating text CHECK (credit_rating IN ('A', 'B', 'C', 'D')),
        region_code text REFERENCES regions (code),
        duty_phone text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT organisations_firm_licence CHECK (kind <> 'maintenance_firm' OR licence_number IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX organisations_kind_idx ON organisations (kind)`);

    await q.query(`
      CREATE TABLE buildings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        region_code text NOT NULL REFERENCES regions (code),
        community text NOT NULL,
        name text NOT NULL,
        address text NOT NULL,
        built_year integer CHECK (built_year BETWEEN 1900 AND 2100),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (region_code, community, name)
      )`);
    await q.query(`CREATE INDEX buildings_region_idx ON buildings (region_code text_pattern_ops)`);

    await q.query(`
      CREATE TABLE units (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        building_id uuid NOT NULL REFERENCES buildings (id),
        name text NOT NULL,
        floor_count integer NOT NULL CHECK (floor_count BETWEEN 2 AND 40),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (building_id, name)
      )`);

    await q.query(`
      CREATE TABLE flats (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        unit_id uuid NOT NULL REFERENCES units (id),
        number text NOT NULL,
        floor integer NOT NULL CHECK (floor BETWEEN 1 AND 40),
        area_m2 numeric(8, 2) NOT NULL CHECK (area_m2 > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (unit_id, number)
      )`);

    await q.query(`
      CREATE TABLE owners (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        phone text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    // An ownership period: valid_from inclusive, valid_to exclusive (NULL = current). A transfer
    // closes the current rows and opens new ones; rows are never deleted, so history stays.
    await q.query(`
      CREATE TABLE flat_ownerships (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        flat_id uuid NOT NULL REFERENCES flats (id),
        owner_id uuid NOT NULL REFERENCES owners (id),
        share_percent numeric(5, 2) NOT NULL CHECK (share_percent > 0 AND share_percent <= 100),
        valid_from date NOT NULL,
        valid_to date,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (valid_to IS NULL OR valid_to > valid_from)
      )`);
    await q.query(`CREATE INDEX flat_ownerships_flat_idx ON flat_ownerships (flat_id)`);
    await q.query(`CREATE INDEX flat_ownerships_owner_idx ON flat_ownerships (owner_id)`);

    await q.query(`
      CREATE TABLE elevators (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        unit_id uuid NOT NULL REFERENCES units (id),
        registration_code varchar(20) NOT NULL UNIQUE CHECK (registration_code ~ '^[0-9A-Za-z]{20}$'),
        equipment_code text,
        use_certificate_no text,
        rescue_code text,
        manufacturer_id uuid REFERENCES organisations (id),
        installer_id uuid REFERENCES organisations (id),
        model text,
        commissioned_on date,
        served_floors integer[] NOT NULL CHECK (cardinality(served_floors) >= 2),
        rated_load_kg integer CHECK (rated_load_kg BETWEEN 100 AND 5000),
        rated_speed_mps numeric(4, 2) CHECK (rated_speed_mps > 0 AND rated_speed_mps <= 10),
        status text NOT NULL DEFAULT 'in_service' CHECK (status IN ('in_service', 'out_of_service', 'decommissioned')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX elevators_unit_idx ON elevators (unit_id)`);
    await q.query(`CREATE INDEX elevators_manufacturer_idx ON elevators (manufacturer_id)`);

    // Explicit assignment of an elevator to a maintenance firm or an insurer. Contracts and
    // policies take this role over later; until then this is what scopes firm and insurer users.
    await q.query(`
      CREATE TABLE elevator_assignments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        elevator_id uuid NOT NULL REFERENCES elevators (id),
        organisation_id uuid NOT NULL REFERENCES organisations (id),
        kind text NOT NULL CHECK (kind IN ('maintenance', 'insurance')),
        valid_from date NOT NULL,
        valid_to date,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (valid_to IS NULL OR valid_to > valid_from)
      )`);
    await q.query(
      `CREATE INDEX elevator_assignments_org_idx ON elevator_assignments (organisation_id, kind)`,
    );
    await q.query(`CREATE INDEX elevator_assignments_elevator_idx ON elevator_assignments (elevator_id)`);

    // Device ids become MQTT client ids and topic prefixes, so the charset excludes / + # and spaces.
    await q.query(`
      CREATE TABLE devices (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        serial text NOT NULL UNIQUE CHECK (serial ~ '^[A-Za-z0-9_-]{3,64}$'),
        elevator_id uuid NOT NULL REFERENCES elevators (id),
        secret_hash text NOT NULL,
        firmware text,
        created_at timestamptz NOT NULL DEFAULT now(),
        secret_rotated_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await q.query(
      `CREATE UNIQUE INDEX devices_one_active_per_elevator ON devices (elevator_id) WHERE revoked_at IS NULL`,
    );

    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9._-]{3,64}$'),
        password_hash text NOT NULL,
        display_name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'firm', 'owner', 'agent', 'insurer', 'regulator')),
        organisation_id uuid REFERENCES organisations (id),
        owner_id uuid REFERENCES owners (id),
        unit_id uuid REFERENCES units (id),
        region_code text REFERENCES regions (code),
        locale text NOT NULL DEFAULT 'zh-CN' CHECK (locale IN ('zh-CN', 'en')),
        disabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_role_binding CHECK (
          (role = 'admin' AND num_nonnulls(organisation_id, owner_id, unit_id, region_code) = 0)
          OR (role IN ('firm', 'insurer') AND organisation_id IS NOT NULL AND num_nonnulls(owner_id, unit_id, region_code) = 0)
          OR (role = 'owner' AND owner_id IS NOT NULL AND num_nonnulls(organisation_id, unit_id, region_code) = 0)
          OR (role = 'agent' AND unit_id IS NOT NULL AND num_nonnulls(organisation_id, owner_id, region_code) = 0)
          OR (role = 'regulator' AND region_code IS NOT NULL AND num_nonnulls(organisation_id, owner_id, unit_id) = 0)
        )
      )`);

    await q.query(`
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_user_id uuid,
        actor_username text NOT NULL,
        actor_role text NOT NULL,
        action text NOT NULL,
        entity_type text NOT NULL,
        entity_id text NOT NULL,
        changes jsonb NOT NULL DEFAULT '{}'::jsonb,
        request_id text
      )`);
    await q.query(`CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id, at)`);
    await q.query(`CREATE INDEX audit_log_actor_idx ON audit_log (actor_user_id, at)`);
    await q.query(`
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION forbid_mutation()`);
    await q.query(`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION forbid_mutation()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP TABLE users`);
    await q.query(`DROP TABLE devices`);
    await q.query(`DROP TABLE elevator_assignments`);
    await q.query(`DROP TABLE elevators`);
    await q.query(`DROP TABLE flat_ownerships`);
    await q.query(`DROP TABLE owners`);
    await q.query(`DROP TABLE flats`);
    await q.query(`DROP TABLE units`);
    await q.query(`DROP TABLE buildings`);
    await q.query(`DROP TABLE organisations`);
    await q.query(`DROP TABLE regions`);
    await q.query(`DROP FUNCTION forbid_mutation()`);
    // The timescaledb extension is left in place: other databases objects may depend on it and
    // dropping an extension is an operator's decision.
    await q.query(`DROP TABLE platform_settings`);
  }
}
