import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

/** Where a query runs: the pool, or the caller's transaction. */
export type Db = DataSource | EntityManager;

/**
 * The one way repositories reach the database (see docs/design.md): explicit SQL with `:named`
 * parameters (`:...list` expands an array), run on the pool or inside the caller's transaction.
 * UPDATE/DELETE … RETURNING belong in a CTE (`WITH u AS (UPDATE … RETURNING *) SELECT * FROM u`):
 * TypeORM answers a bare one with [rows, count]. Never name a parameter after a type used in a
 * cast in the same text (`:text` would also replace the `:text` of `x::text`).
 */
@Injectable()
export class Sql {
  constructor(@InjectDataSource() readonly ds: DataSource) {}

  async query<T>(sql: string, params: Record<string, unknown> = {}, db: Db = this.ds): Promise<T[]> {
    const [text, values] = this.ds.driver.escapeQueryWithParameters(sql, params, {});
    return await db.query<T[]>(text, values);
  }

  /** The first row, or undefined. */
  async one<T>(sql: string, params: Record<string, unknown> = {}, db: Db = this.ds): Promise<T | undefined> {
    return (await this.query<T>(sql, params, db))[0];
  }

  /** Runs `work` in one transaction; repositories called with `tx` take part in it. */
  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(work);
  }
}

/**
 * An ILIKE pattern matching `text` anywhere, with LIKE's wildcards in it taken literally;
 * null when there is nothing to search for (write `CAST(:q AS text) IS NULL OR … ILIKE :q`).
 */
export function containsPattern(text: string | undefined | null): string | null {
  const t = text?.trim();
  return t ? `%${t.replace(/[%_\\]/g, (c) => `\\${c}`)}%` : null;
}

/**
 * For writes of a record whose fields map to columns: `column = :field, …` and the column and
 * value lists of an INSERT, for the fields that are not undefined (null clears a column).
 */
export function fieldsToColumns<F extends string>(
  columns: Readonly<Record<F, string>>,
  fields: Partial<Record<F, unknown>>,
): { set: string; columns: string; values: string; params: Record<string, unknown> } {
  const keys = (Object.keys(columns) as F[]).filter((k) => fields[k] !== undefined);
  return {
    set: keys.map((k) => `${columns[k]} = :${k}`).join(', '),
    columns: keys.map((k) => columns[k]).join(', '),
    values: keys.map((k) => `:${k}`).join(', '),
    params: Object.fromEntries(keys.map((k) => [k, fields[k]])),
  };
}
