import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { containsPattern } from '@liftwatch/database';
import { UserEntity } from './user.entity';

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

@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.ds.getRepository(UserEntity).findOne({ where: { id } });
  }

  findByUsernameWithHash(username: string): Promise<UserEntity | null> {
    return this.ds
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.username = :username', { username })
      .getOne();
  }

  async list(f: UserFilter): Promise<[UserEntity[], number]> {
    const qb = this.ds.getRepository(UserEntity).createQueryBuilder('u').where('true');
    if (f.role) qb.andWhere('u.role = :role', { role: f.role });
    const q = containsPattern(f.q);
    if (q) qb.andWhere('(u.username ILIKE :q OR u.displayName ILIKE :q)', { q });
    return qb.orderBy('u.username').take(f.limit).skip(f.offset).getManyAndCount();
  }

  /** What each user is bound to, by name: firm, insurer, owner, region or unit. */
  async bindingNames(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows: Array<{ id: string; name: string | null }> = await this.ds.query(
      `SELECT u.id, coalesce(o.name, ow.name, r.name, b.community || ' ' || b.name || ' ' || un.name) AS name
         FROM users u
         LEFT JOIN organisations o ON o.id = u.organisation_id
         LEFT JOIN owners ow ON ow.id = u.owner_id
         LEFT JOIN regions r ON r.code = u.region_code
         LEFT JOIN units un ON un.id = u.unit_id
         LEFT JOIN buildings b ON b.id = un.building_id
        WHERE u.id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.filter((r) => r.name !== null).map((r) => [r.id, r.name as string]));
  }

  async countAdmins(): Promise<number> {
    return this.ds.getRepository(UserEntity).count({ where: { role: 'admin' } });
  }

  async bindingTargets(b: {
    organisationId?: string;
    ownerId?: string;
    unitId?: string;
    regionCode?: string;
  }): Promise<BindingTargets> {
    const rows: Array<{ org_kind: string | null; owner: boolean; unit: boolean; region: boolean }> =
      await this.ds.query(
        `SELECT (SELECT kind FROM organisations WHERE id = $1) AS org_kind,
                EXISTS (SELECT 1 FROM owners WHERE id = $2) AS owner,
                EXISTS (SELECT 1 FROM units WHERE id = $3) AS unit,
                EXISTS (SELECT 1 FROM regions WHERE code = $4) AS region`,
        [b.organisationId ?? null, b.ownerId ?? null, b.unitId ?? null, b.regionCode ?? null],
      );
    const r = rows[0];
    return {
      organisationKind: r?.org_kind ?? null,
      ownerExists: r?.owner ?? false,
      unitExists: r?.unit ?? false,
      regionExists: r?.region ?? false,
    };
  }

  async usernameTaken(username: string): Promise<boolean> {
    return (await this.ds.getRepository(UserEntity).count({ where: { username } })) > 0;
  }

  async insert(em: EntityManager, user: Partial<UserEntity>): Promise<UserEntity> {
    const saved = await em.getRepository(UserEntity).save(em.getRepository(UserEntity).create(user));
    return await em.getRepository(UserEntity).findOneByOrFail({ id: saved.id });
  }

  async update(em: EntityManager, id: string, patch: Partial<UserEntity>): Promise<UserEntity> {
    await em.getRepository(UserEntity).update({ id }, patch);
    return em.getRepository(UserEntity).findOneByOrFail({ id });
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.ds.getRepository(UserEntity).update({ id }, { passwordHash });
  }
}
