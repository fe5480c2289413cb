import { Injectable } from '@nestjs/common';
import { AuditService, type Principal } from '@liftwatch/access';
import { ConflictError, InvalidInputError, NotFoundError } from '@liftwatch/contract';
import { regionScopePrefix } from '../regions/region-code.util';
import { pick } from '../regions/regions.service';
import { VisibilityRepository } from '../visibility/visibility.repository';
import { type BuildingEntity, type UnitEntity } from './building.entity';
import { BuildingRepository } from './building.repository';
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
    private readonly repo: BuildingRepository,
    private readonly visibility: VisibilityRepository,
    private readonly audit: AuditService,
  ) {}

  listBuildings(p: Principal, q: BuildingQueryDto): Promise<[BuildingEntity[], number]> {
    return this.repo.pageBuildings(this.visibility.buildings(p), {
      regionPrefix: q.regionCode ? regionScopePrefix(q.regionCode) : undefined,
      q: q.q,
      limit: q.limit,
      offset: q.offset,
    });
  }

  async getBuilding(p: Principal, id: string): Promise<BuildingEntity> {
    const building = await this.repo.findBuilding(id, this.visibility.buildings(p));
    if (!building) throw new NotFoundError('Building', id);
    return building;
  }

  async createBuilding(actor: Principal, dto: CreateBuildingDto): Promise<BuildingEntity> {
    if (!(await this.repo.regionExists(dto.regionCode)))
      throw InvalidInputError.field('regionCode', 'region does not exist');
    return this.repo.transaction(async (tx) => {
      const saved = await this.repo.insertBuilding(tx, dto);
      await this.audit.record(tx, actor, 'building.create', 'building', saved.id, { after: dto });
      return saved;
    });
  }

  async updateBuilding(actor: Principal, id: string, dto: UpdateBuildingDto): Promise<BuildingEntity> {
    const before = await this.getBuilding(actor, id);
    return this.repo.transaction(async (tx) => {
      const after = await this.repo.updateBuilding(tx, id, dto);
      await this.audit.record(tx, actor, 'building.update', 'building', id, {
        before: pick(before, dto),
        after: dto,
      });
      return after;
    });
  }

  async deleteBuilding(actor: Principal, id: string): Promise<void> {
    const before = await this.getBuilding(actor, id);
    if (await this.repo.buildingHasUnits(id))
      throw new ConflictError('BUILDING_HAS_UNITS', 'delete the building’s units first');
    await this.repo.transaction(async (tx) => {
      await this.repo.deleteBuilding(tx, id);
      await this.audit.record(tx, actor, 'building.delete', 'building', id, { before });
    });
  }

  listUnits(p: Principal, q: UnitQueryDto): Promise<[UnitEntity[], number]> {
    return this.repo.pageUnits(this.visibility.units(p), q);
  }

  async getUnit(p: Principal, id: string): Promise<UnitEntity> {
    const unit = await this.repo.findUnit(id, this.visibility.units(p));
    if (!unit) throw new NotFoundError('Unit', id);
    return unit;
  }

  async createUnit(actor: Principal, dto: CreateUnitDto): Promise<UnitEntity> {
    if (!(await this.repo.findBuilding(dto.buildingId)))
      throw InvalidInputError.field('buildingId', 'building does not exist');
    return this.repo.transaction(async (tx) => {
      const saved = await this.repo.insertUnit(tx, dto);
      await this.audit.record(tx, actor, 'unit.create', 'unit', saved.id, { after: dto });
      return saved;
    });
  }

  async updateUnit(actor: Principal, id: string, dto: UpdateUnitDto): Promise<UnitEntity> {
    const before = await this.getUnit(actor, id);
    if (dto.floorCount !== undefined) {
      const top = await this.repo.topFloorInUse(id);
      if (top !== null && dto.floorCount < top)
        throw InvalidInputError.field('floorCount', `floor ${top} is in use by a flat or an elevator stop`);
    }
    return this.repo.transaction(async (tx) => {
      const after = await this.repo.updateUnit(tx, id, dto);
      await this.audit.record(tx, actor, 'unit.update', 'unit', id, {
        before: pick(before, dto),
        after: dto,
      });
      return after;
    });
  }

  async deleteUnit(actor: Principal, id: string): Promise<void> {
    const before = await this.getUnit(actor, id);
    if (await this.repo.unitInUse(id))
      throw new ConflictError('UNIT_IN_USE', 'the unit still has flats, elevators or agent users');
    await this.repo.transaction(async (tx) => {
      await this.repo.deleteUnit(tx, id);
      await this.audit.record(tx, actor, 'unit.delete', 'unit', id, { before });
    });
  }
}
