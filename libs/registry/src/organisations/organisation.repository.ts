import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { type Db, fieldsToColumns, Sql } from '@liftwatch/database';
import { type OrganisationEntity, type OrganisationKind } from './organisation.entity';

const ORGANISATION = `o.id, o.kind, o.name, o.uscc, o.licence_number AS "licenceNumber",
  to_char(o.licence_valid_until, 'YYYY-MM-DD') AS "licenceValidUntil", o.credit_rating AS "creditRating",
  o.region_code AS "regionCode", o.duty_phone AS "dutyPhone", o.created_at AS "createdAt", o.updated_at AS "updatedAt"`;

const COLUMNS = {
  kind: 'kind',
  name: 'name',
  uscc: 'uscc',
  licenceNumber: 'licence_number',
  licenceValidUntil: 'licence_valid_until',
  creditRating: 'credit_rating',
  regionCode: 'region_code',
  dutyPhone: 'duty_phone',
} as const;

export type OrganisationFields = { -readonly [K in keyof typeof COLUMNS]?: OrganisationEntity[K] | null };

/** Every query of organisations (firms, insurers, makers, installers). */
@Injectable()
export class OrganisationRepository {
  constructor(private readonly sql: Sql) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.sql.transaction(work);
  }

  async page(
    kind: OrganisationKind | undefined,
    limit: number,
    offset: number,
  ): Promise<[OrganisationEntity[], number]> {
    const where = `WHERE (CAST(:kind AS text) IS NULL OR o.kind = :kind)`;
    const count = await this.sql.one<{ n: string }>(`SELECT count(*) AS n FROM organisations o ${where}`, {
      kind: kind ?? null,
    });
    const rows = await this.sql.query<OrganisationEntity>(
      `SELECT ${ORGANISATION} FROM organisations o ${where} ORDER BY o.name, o.id LIMIT :limit OFFSET :offset`,
      { kind: kind ?? null, limit, offset },
    );
    return [rows, Number(count?.n ?? 0)];
  }

  find(id: string, db?: Db): Promise<OrganisationEntity | undefined> {
    return this.sql.one<OrganisationEntity>(
      `SELECT ${ORGANISATION} FROM organisations o WHERE o.id = :id`,
      { id },
      db,
    );
  }

  async regionExists(code: string): Promise<boolean> {
    return (await this.sql.one(`SELECT 1 FROM regions WHERE code = :code`, { code })) !== undefined;
  }

  async insert(tx: Db, fields: OrganisationFields): Promise<string> {
    const f = fieldsToColumns(COLUMNS, fields);
    const row = await this.sql.one<{ id: string }>(
      `INSERT INTO organisations (${f.columns}) VALUES (${f.values}) RETURNING id`,
      f.params,
      tx,
    );
    if (!row) throw new Error('organisation not inserted');
    return row.id;
  }

  async update(tx: Db, id: string, fields: OrganisationFields): Promise<void> {
    const f = fieldsToColumns(COLUMNS, fields);
    await this.sql.query(
      `UPDATE organisations SET ${f.set ? `${f.set}, ` : ''}updated_at = now() WHERE id = :id`,
      { ...f.params, id },
      tx,
    );
  }
}
