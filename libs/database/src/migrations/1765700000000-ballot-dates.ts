import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A ballot carries the day it was cast (the date on a paper ballot recorded later, or the day of an
 * online vote), beside when and by whom it was entered: a vote closed in 2021 reads as 2021.
 */
export class BallotDates1765700000000 implements MigrationInterface {
  name = 'BallotDates1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE vote_ballots ADD COLUMN cast_on date`);
    await q.query(`UPDATE vote_ballots SET cast_on = (recorded_at AT TIME ZONE 'Asia/Shanghai')::date`);
    await q.query(`ALTER TABLE vote_ballots ALTER COLUMN cast_on SET NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE vote_ballots DROP COLUMN cast_on`);
  }
}
