import { Injectable } from '@nestjs/common';
import { containsPattern, type Db, SqlRepository } from '@liftwatch/database';
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
export class OrganisationRepository extends SqlRepository {
  /** By kind and by part of the name, USCC or licence number. */
  page(f: {
    kind?: OrganisationKind;
    q?: string;
    limit: number;
    offset: number;
  }): Promise<[OrganisationEntity[], number]> {
    return this.sql.page<OrganisationEntity>(
      {
        columns: ORGANISATION,
        from: `FROM organisations o WHERE (CAST(:kind AS text) IS NULL OR o.kind = :kind)
                 AND (CAST(:search AS text) IS NULL OR o.name ILIKE :search OR o.uscc ILIKE :search
                      OR o.licence_number ILIKE :search)`,
        orderBy: 'o.name, o.id',
        params: { kind: f.kind ?? null, search: containsPattern(f.q) },
      },
      f.limit,
      f.offset,
    );
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
    return this.sql.insertRow('organisations', COLUMNS, fields, tx);
  }

  async update(tx: Db, id: string, fields: OrganisationFields): Promise<void> {
    await this.sql.updateRow('organisations', { column: 'id', value: id }, COLUMNS, fields, tx);
  }
}
