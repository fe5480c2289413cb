import { Injectable } from '@nestjs/common';
import { containsPattern, type Db, SqlRepository } from '@liftwatch/database';
import { type UserEntity } from './user.entity';

export interface UserFilter {
  limit: number;
  offset: number;
  role?: string;
  /** Part of the username or display name. */
  q?: string;
}

/** What a user binding may refer to, checked before insert so errors name the field. */
export interface BindingTargets {
  organisationKind: string | null;
  ownerExists: boolean;
  unitExists: boolean;
  regionExists: boolean;
}

const USER = `u.id, u.username, u.display_name AS "displayName", u.role, u.organisation_id AS "organisationId",
  u.owner_id AS "ownerId", u.unit_id AS "unitId", u.region_code AS "regionCode", u.certificate_number AS "certificateNumber", u.phone, u.locale, u.disabled_at AS "disabledAt",
  u.created_at AS "createdAt", u.updated_at AS "updatedAt"`;

const COLUMNS = {
  username: 'username',
  passwordHash: 'password_hash',
  displayName: 'display_name',
  role: 'role',
  organisationId: 'organisation_id',
  ownerId: 'owner_id',
  unitId: 'unit_id',
  regionCode: 'region_code',
  certificateNumber: 'certificate_number',
  phone: 'phone',
  locale: 'locale',
  disabledAt: 'disabled_at',
} as const;

export type UserFields = { -readonly [K in keyof typeof COLUMNS]?: UserEntity[K] | null };

/** Every query of user accounts. The password hash is read only where a login checks it. */
@Injectable()
export class UsersRepository extends SqlRepository {
  async findById(id: string, db?: Db): Promise<UserEntity | null> {
    return (
      (await this.sql.one<UserEntity>(`SELECT ${USER} FROM users u WHERE u.id = :id`, { id }, db)) ?? null
    );
  }

  async findByUsernameWithHash(username: string): Promise<UserEntity | null> {
    return (
      (await this.sql.one<UserEntity>(
        `SELECT ${USER}, u.password_hash AS "passwordHash" FROM users u WHERE u.username = :username`,
        { username },
      )) ?? null
    );
  }

  async list(f: UserFilter): Promise<[UserEntity[], number]> {
    const where = `WHERE (CAST(:role AS text) IS NULL OR u.role = :role)
        AND (CAST(:q AS text) IS NULL OR u.username ILIKE :q OR u.display_name ILIKE :q)`;
    const params = { role: f.role ?? null, q: containsPattern(f.q) };
    return this.sql.page<UserEntity>(
      { columns: USER, from: `FROM users u ${where}`, orderBy: 'u.username', params },
      f.limit,
      f.offset,
    );
  }

  /** What each user is bound to, by name: firm, insurer, owner, region or unit. */
  async bindingNames(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.sql.query<{ id: string; name: string | null }>(
      `SELECT u.id, coalesce(o.name, ow.name, r.name, b.community || ' ' || b.name || ' ' || un.name) AS name
         FROM users u
         LEFT JOIN organisations o ON o.id = u.organisation_id
         LEFT JOIN owners ow ON ow.id = u.owner_id
         LEFT JOIN regions r ON r.code = u.region_code
         LEFT JOIN units un ON un.id = u.unit_id
         LEFT JOIN buildings b ON b.id = un.building_id
        WHERE u.id IN (:...ids)`,
      { ids },
    );
    return new Map(rows.filter((r) => r.name !== null).map((r) => [r.id, r.name as string]));
  }

  async countAdmins(): Promise<number> {
    return Number(
      (await this.sql.one<{ n: string }>(`SELECT count(*) AS n FROM users WHERE role = 'admin'`))?.n ?? 0,
    );
  }

  async bindingTargets(b: {
    organisationId?: string;
    ownerId?: string;
    unitId?: string;
    regionCode?: string;
  }): Promise<BindingTargets> {
    const r = await this.sql.one<{ org_kind: string | null; owner: boolean; unit: boolean; region: boolean }>(
      `SELECT (SELECT kind FROM organisations WHERE id = CAST(:organisationId AS uuid)) AS org_kind,
              EXISTS (SELECT 1 FROM owners WHERE id = CAST(:ownerId AS uuid)) AS owner,
              EXISTS (SELECT 1 FROM units WHERE id = CAST(:unitId AS uuid)) AS unit,
              EXISTS (SELECT 1 FROM regions WHERE code = CAST(:regionCode AS text)) AS region`,
      {
        organisationId: b.organisationId ?? null,
        ownerId: b.ownerId ?? null,
        unitId: b.unitId ?? null,
        regionCode: b.regionCode ?? null,
      },
    );
    return {
      organisationKind: r?.org_kind ?? null,
      ownerExists: r?.owner ?? false,
      unitExists: r?.unit ?? false,
      regionExists: r?.region ?? false,
    };
  }

  async usernameTaken(username: string): Promise<boolean> {
    return (await this.sql.one(`SELECT 1 FROM users WHERE username = :username`, { username })) !== undefined;
  }

  async insert(tx: Db, user: UserFields): Promise<UserEntity> {
    const id = await this.sql.insertRow('users', COLUMNS, user, tx);
    return (await this.findById(id, tx)) as UserEntity;
  }

  async update(tx: Db, id: string, patch: UserFields): Promise<UserEntity> {
    await this.sql.updateRow('users', { column: 'id', value: id }, COLUMNS, patch, tx);
    return (await this.findById(id, tx)) as UserEntity;
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.sql.query(`UPDATE users SET password_hash = :passwordHash WHERE id = :id`, {
      id,
      passwordHash,
    });
  }
}
