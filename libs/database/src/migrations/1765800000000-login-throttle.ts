import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Failed logins per account and per client address, shared by every API replica: the attempts in
 * the sliding window, the lock and how many locks came in the last day (libs/access attempt-throttle).
 */
export class LoginThrottle1765800000000 implements MigrationInterface {
  name = 'LoginThrottle1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE login_throttle (
        scope text NOT NULL CHECK (scope IN ('account', 'address')),
        key text NOT NULL CHECK (length(key) <= 256),
        attempts timestamptz[] NOT NULL DEFAULT '{}',
        locked_until timestamptz,
        lock_count integer NOT NULL DEFAULT 0,
        last_lock_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key)
      )`);
    await q.query(`CREATE INDEX login_throttle_updated_idx ON login_throttle (updated_at)`);
    await q.query(
      `CREATE INDEX login_throttle_locked_idx ON login_throttle (locked_until) WHERE locked_until IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE login_throttle`);
  }
}
