import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A notice can address one owner of a unit (`recipient_owner_id`): "your statement: you owe ¥48.81"
 * goes to that owner alone, never to the neighbours who share the unit's notices.
 */
export class OwnerNotices1765500000000 implements MigrationInterface {
  name = 'OwnerNotices1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notifications ADD COLUMN recipient_owner_id uuid REFERENCES owners (id)`);
    await q.query(`ALTER TABLE notifications ADD CONSTRAINT notifications_owner_in_unit
      CHECK (recipient_owner_id IS NULL OR recipient_unit_id IS NOT NULL)`);
    await q.query(`CREATE INDEX notifications_owner_idx ON notifications (recipient_owner_id, created_at DESC)
      WHERE recipient_owner_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM notifications WHERE recipient_owner_id IS NOT NULL`);
    await q.query(`DROP INDEX notifications_owner_idx`);
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_owner_in_unit`);
    await q.query(`ALTER TABLE notifications DROP COLUMN recipient_owner_id`);
  }
}
