import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { UserEntity } from './user.entity';

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

  async list(limit: number, offset: number, role?: string): Promise<[UserEntity[], number]> {
    const qb = this.ds.getRepository(UserEntity).createQueryBuilder('u');
    if (role) qb.where('u.role = :role', { role });
    return qb.orderBy('u.username').take(limit).skip(offset).getManyAndCount();
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
