import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService, type Principal } from '@liftwatch/access';
import { ConflictError, InvalidInputError, NotFoundError } from '@liftwatch/contract';
import { regionScopePrefix } from '../regions/region-code.util';
import { pick } from '../regions/regions.service';
import { restrictTo, VisibilityRepository } from '../visibility/visibility.repository';
import { BuildingEntity, UnitEntity } from './building.entity';
import {
  type BuildingQueryDto,
  type CreateBuildingDto,
  type CreateUnitDto,
  type UnitQueryDto,
  type UpdateBuildingDto,
  type UpdateUnitDto,
} from './dto/building.dto';

@Injectable()
export class BuildingsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly visibility: VisibilityRepository,
    private readonly audit: AuditService,
  ) {}

  listBuildings(p: Principal, q: BuildingQueryDto): Promise<[BuildingEntity[], number]> {
    const qb = this.ds.getRepository(BuildingEntity).createQueryBuilder('b');
    restrictTo(qb, 'b.id', this.visibility.buildings(p));
    if (q.regionCode) qb.andWhere('b.region_code LIKE :rc', { rc: `${regionScopePrefix(q.regionCode)}%` });
    return qb.orderBy('b.community').addOrderBy('b.name').take(q.limit).skip(q.offset).getManyAndCount();
  }

  async getBuilding(p: Principal, id: string): Promise<BuildingEntity> {
    const qb = this.ds.getRepository(BuildingEntity).createQueryBuilder('b').where('b.id = :id', { id });
    const building = await restrictTo(qb, 'b.id', this.visibility.buildings(p)).getOne();
    if (!building) throw new NotFoundError('Building', id);
    return building;
  }

  async createBuilding(actor: Principal, dto: CreateBuildingDto): Promise<BuildingEntity> {
    const region: unknown[] = await this.ds.query('SELECT 1 FROM regions WHERE code = $1', [dto.regionCode]);
    if (region.length === 0) throw InvalidInputError.field('regionCode', 'region does not exist');
    return this.ds.transaction(async (em) => {
      const repo = em.getRepository(BuildingEntity);
      const saved = await repo.save(repo.create(dto));
      await this.audit.record(em, actor, 'building.create', 'building', saved.id, { after: dto });
      return saved;
    });
  }

  async updateBuilding(actor: Principal, id: string, dto: UpdateBuildingDto): Promise<BuildingEntity> {
    const before = await this.getBuilding(actor, id);
    return this.ds.transaction(async (em) => {
      await em.getRepository(BuildingEntity).update({ id }, dto);
      await this.audit.record(em, actor, 'building.update', 'building', id, {
        before: pick(before, dto),
        after: dto,
      });
      return em.getRepository(BuildingEntity).findOneByOrFail({ id });
    });
  }

  async deleteBuilding(actor: Principal, id: string): Promise<void> {
    const before = await this.getBuilding(actor, id);
    if (await this.ds.getRepository(UnitEntity).existsBy({ buildingId: id })) {
      throw new ConflictError('BUILDING_HAS_UNITS', 'delete the building’s units first');
    }
    await this.ds.transaction(async (em) => {
      await em.getRepository(BuildingEntity).delete({ id });
      await this.audit.record(em, actor, 'building.delete', 'building', id, { before });
    });
  }

  listUnits(p: Principal, q: UnitQueryDto): Promise<[UnitEntity[], number]> {
    const qb = this.ds.getRepository(UnitEntity).createQueryBuilder('u');
    restrictTo(qb, 'u.id', this.visibility.units(p));
    if (q.buildingId) qb.andWhere('u.building_id = :bid', { bid: q.buildingId });
    return qb.orderBy('u.name').take(q.limit).skip(q.offset).getManyAndCount();
  }

  async getUnit(p: Principal, id: string): Promise<UnitEntity> {
    const qb = this.ds.getRepository(UnitEntity).createQueryBuilder('u').where('u.id = :id', { id });
    const unit = await restrictTo(qb, 'u.id', this.visibility.units(p)).getOne();
    if (!unit) throw new NotFoundError('Unit', id);
    return unit;
  }

  async createUnit(actor: Principal, dto: CreateUnitDto): Promise<UnitEntity> {
    if (!(await this.ds.getRepository(BuildingEntity).existsBy({ id: dto.buildingId }))) {
      throw InvalidInputError.field('buildingId', 'building does not exist');
    }
    return this.ds.transaction(async (em) => {
      const repo = em.getRepository(UnitEntity);
      const saved = await repo.save(repo.create(dto));
      await this.audit.record(em, actor, 'unit.create', 'unit', saved.id, { after: dto });
      return saved;
    });
  }

  async updateUnit(actor: Principal, id: string, dto: UpdateUnitDto): Promise<UnitEntity> {
    const before = await this.getUnit(actor, id);
    if (dto.floorCount !== undefined) {
      const rows: Array<{ top: number | null }> = await this.ds.query(
        `SELECT greatest((SELECT max(floor) FROM flats WHERE unit_id = $1),
                         (SELECT max(f) FROM elevators e, unnest(e.served_floors) f WHERE e.unit_id = $1)) AS top`,
        [id],
      );
      const top = rows[0]?.top ?? null;
      if (top !== null && dto.floorCount < top) {
        throw InvalidInputError.field('floorCount', `floor ${top} is in use by a flat or an elevator stop`);
      }
    }
    return this.ds.transaction(async (em) => {
      await em.getRepository(UnitEntity).update({ id }, dto);
      await this.audit.record(em, actor, 'unit.update', 'unit', id, {
        before: pick(before, dto),
        after: dto,
      });
      return em.getRepository(UnitEntity).findOneByOrFail({ id });
    });
  }

  async deleteUnit(actor: Principal, id: string): Promise<void> {
    const before = await this.getUnit(actor, id);
    const rows: Array<{ used: boolean }> = await this.ds.query(
      `SELECT EXISTS (SELECT 1 FROM flats WHERE unit_id = $1) OR EXISTS (SELECT 1 FROM elevators WHERE unit_id = $1)
              OR EXISTS (SELECT 1 FROM users WHERE unit_id = $1) AS used`,
      [id],
    );
    if (rows[0]?.used)
      throw new ConflictError('UNIT_IN_USE', 'the unit still has flats, elevators or agent users');
    await this.ds.transaction(async (em) => {
      await em.getRepository(UnitEntity).delete({ id });
      await this.audit.record(em, actor, 'unit.delete', 'unit', id, { before });
    });
  }
}
