import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * What an owner needs on a statement besides the amounts: a statement number to quote, the date
 * payment is due and who collects it. The agreement fixes the payee and the day of the following
 * month payment is due; each statement keeps the values it was issued with.
 */
export class StatementDocuments1765000000000 implements MigrationInterface {
  name = 'StatementDocuments1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE project_agreements ADD COLUMN payee text`);
    await q.query(
      `ALTER TABLE project_agreements ADD COLUMN payment_due_day smallint NOT NULL DEFAULT 15
         CHECK (payment_due_day BETWEEN 1 AND 28)`,
    );
    await q.query(`CREATE SEQUENCE cost_statement_number_seq`);
    await q.query(`ALTER TABLE cost_statements ADD COLUMN statement_number text`);
    await q.query(`ALTER TABLE cost_statements ADD COLUMN due_on date`);
    await q.query(`ALTER TABLE cost_statements ADD COLUMN payee text`);
    // Issued statements are append-only; giving the existing ones their number and due date is the
    // one sanctioned change, made here with the guard off.
    await q.query(`ALTER TABLE cost_statements DISABLE TRIGGER cost_statements_append_only`);
    await q.query(`
      UPDATE cost_statements s
         SET statement_number = 'LW' || replace(s.month, '-', '') || '-' || lpad(nextval('cost_statement_number_seq')::text, 6, '0'),
             due_on = (s.month || '-15')::date + interval '1 month'
        FROM (SELECT id FROM cost_statements ORDER BY issued_at, id) o
       WHERE o.id = s.id`);
    await q.query(`ALTER TABLE cost_statements ENABLE TRIGGER cost_statements_append_only`);
    await q.query(`ALTER TABLE cost_statements ALTER COLUMN statement_number SET NOT NULL`);
    await q.query(`ALTER TABLE cost_statements ALTER COLUMN due_on SET NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX cost_statements_number_idx ON cost_statements (statement_number)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX cost_statements_number_idx`);
    await q.query(`ALTER TABLE cost_statements DROP COLUMN payee`);
    await q.query(`ALTER TABLE cost_statements DROP COLUMN due_on`);
    await q.query(`ALTER TABLE cost_statements DROP COLUMN statement_number`);
    await q.query(`DROP SEQUENCE cost_statement_number_seq`);
    await q.query(`ALTER TABLE project_agreements DROP COLUMN payment_due_day`);
    await q.query(`ALTER TABLE project_agreements DROP COLUMN payee`);
  }
}
