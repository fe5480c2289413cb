import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Alarms may come from the public page in the car (一梯一码): a passenger's report. */
export class PublicReports1765100000000 implements MigrationInterface {
  name = 'PublicReports1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alarms DROP CONSTRAINT alarms_source_check`);
    await q.query(
      `ALTER TABLE alarms ADD CONSTRAINT alarms_source_check CHECK (source IN ('device', 'rule', 'public'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alarms DROP CONSTRAINT alarms_source_check`);
    // reports already received stay (alarms are evidence); the narrower check applies to new rows
    await q.query(
      `ALTER TABLE alarms ADD CONSTRAINT alarms_source_check CHECK (source IN ('device', 'rule')) NOT VALID`,
    );
  }
}
