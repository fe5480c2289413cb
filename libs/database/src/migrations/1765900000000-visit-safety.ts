import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Safety-critical checklist items (brakes, governor and safety gear, door locks and their
 * contacts, buffers, stop switches, the alarm, bypass and UCMP devices): a visit answers each of
 * them explicitly, and a defect found on one needs a photo. The flag is data, editable like the
 * rest of the checklist; the seed marks the items whose titles name those parts.
 *
 * A countersignature may now be given on the technician's phone at the car (the owners' safety
 * manager or the 使用单位 signs on the screen): its signature image is stored like a visit photo
 * and its SHA-256 is part of the countersignature's hash.
 */
export class VisitSafety1765900000000 implements MigrationInterface {
  name = 'VisitSafety1765900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE maintenance_checklist_items ADD COLUMN safety_critical boolean NOT NULL DEFAULT false`,
    );
    await q.query(`
      UPDATE maintenance_checklist_items SET safety_critical = true
       WHERE title_zh ~ '(制动|限速器|安全钳|门锁|锁紧元件|缓冲器|停止装置|报警装置|旁路装置|电气安全装置|防撞击|意外移动|上行超速|紧急电动运行|手动紧急操作)'`);
    await q.query(`ALTER TABLE maintenance_countersignatures ADD COLUMN signature_sha256 text
      CHECK (signature_sha256 IS NULL OR signature_sha256 ~ '^[0-9a-f]{64}$')`);
    await q.query(`ALTER TABLE maintenance_countersignatures ADD COLUMN signed_on text NOT NULL DEFAULT 'account'
      CHECK (signed_on IN ('account', 'on_site'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE maintenance_countersignatures DROP COLUMN signed_on`);
    await q.query(`ALTER TABLE maintenance_countersignatures DROP COLUMN signature_sha256`);
    await q.query(`ALTER TABLE maintenance_checklist_items DROP COLUMN safety_critical`);
  }
}
