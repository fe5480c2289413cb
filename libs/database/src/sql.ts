import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';

/** Where a query runs: the pool, or the caller's transaction (a manager or the ingest's runner). */
export type Db = DataSource | EntityManager | QueryRunner;

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
    return (await db.query(text, values)) as T[];
  }

  /** The first row, or undefined. */
  async one<T>(sql: string, params: Record<string, unknown> = {}, db: Db = this.ds): Promise<T | undefined> {
    return (await this.query<T>(sql, params, db))[0];
  }

  /** Runs `work` in one transaction; repositories called with `tx` take part in it. */
  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(work);
  }

  /**
   * A page and the total: `SELECT <columns> <from> ORDER BY <orderBy> LIMIT/OFFSET` and
   * `SELECT count(*) <from>`, where `from` is the FROM and WHERE clauses both share.
   */
  async page<T>(
    q: { columns: string; from: string; orderBy: string; params?: Record<string, unknown> },
    limit: number,
    offset: number,
  ): Promise<[T[], number]> {
    const params = q.params ?? {};
    const count = await this.one<{ n: string }>(`SELECT count(*) AS n ${q.from}`, params);
    const rows = await this.query<T>(
      `SELECT ${q.columns} ${q.from} ORDER BY ${q.orderBy} LIMIT :limit OFFSET :offset`,
      { ...params, limit, offset },
    );
    return [rows, Number(count?.n ?? 0)];
  }

  /** INSERT of the given fields (see fieldsToColumns) into `table`; returns the new row's id. */
  async insertRow<F extends string>(
    table: string,
    columns: Readonly<Record<F, string>>,
    fields: Partial<Record<F, unknown>>,
    db: Db = this.ds,
  ): Promise<string> {
    const f = fieldsToColumns(columns, fields);
    const row = await this.one<{ id: string }>(
      `INSERT INTO ${table} (${f.columns}) VALUES (${f.values}) RETURNING id`,
      f.params,
      db,
    );
    if (!row) throw new Error(`${table}: insert returned nothing`);
    return row.id;
  }

  /** UPDATE of the given fields of one row (`updated_at` set to now); untouched when none are given. */
  async updateRow<F extends string>(
    table: string,
    key: { column: string; value: string },
    columns: Readonly<Record<F, string>>,
    fields: Partial<Record<F, unknown>>,
    db: Db = this.ds,
  ): Promise<void> {
    const f = fieldsToColumns(columns, fields);
    await this.query(
      `UPDATE ${table} SET ${f.set ? `${f.set}, ` : ''}updated_at = now() WHERE ${key.column} = :rowKey`,
      { ...f.params, rowKey: key.value },
      db,
    );
  }
}

/** Base of a domain repository: its `Sql`, and transactions its callers can open. */
@Injectable()
export abstract class SqlRepository {
  constructor(protected readonly sql: Sql) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.sql.transaction(work);
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
