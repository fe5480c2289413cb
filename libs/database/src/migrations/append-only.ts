import { type QueryRunner } from 'typeorm';

/**
 * Makes tables append-only: UPDATE, DELETE and TRUNCATE are refused by `forbid_mutation()` (created
 * in the foundation migration). Dropping the table drops its triggers.
 */
export async function makeAppendOnly(q: QueryRunner, ...tables: string[]): Promise<void> {
  for (const table of tables) {
    await q.query(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
                   FOR EACH ROW EXECUTE FUNCTION forbid_mutation()`);
    await q.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
                   FOR EACH STATEMENT EXECUTE FUNCTION forbid_mutation()`);
  }
}
