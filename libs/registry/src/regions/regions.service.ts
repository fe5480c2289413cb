import { RegionRepository } from './region.repository';
import { Injectable } from '@nestjs/common';
import { AuditService, type Principal } from '@liftwatch/access';
import { ConflictError, InvalidInputError, NotFoundError } from '@liftwatch/contract';
import { type CreateRegionDto, type RegionQueryDto, type UpdateRegionDto } from './dto/region.dto';
import { defaultRescueArrivalLimitMin, parentRegionCode, regionLevel } from './region-code.util';
import { type RegionEntity } from './region.entity';

/** Regions are public reference data: every role reads them, only admins write. */
@Injectable()
export class RegionsService {
  constructor(
    private readonly repo: RegionRepository,
    private readonly audit: AuditService,
  ) {}

  list(q: RegionQueryDto): Promise<RegionEntity[]> {
    return this.repo.list(q);
  }

  async get(code: string): Promise<RegionEntity> {
    const region = await this.repo.find(code);
    if (!region) throw new NotFoundError('Region', code);
    return region;
  }

  async create(actor: Principal, dto: CreateRegionDto): Promise<RegionEntity> {
    if (await this.repo.find(dto.code)) {
      throw new ConflictError('REGION_EXISTS', `region ${dto.code} already exists`);
    }
    const parentCode = parentRegionCode(dto.code);
    if (parentCode && !(await this.repo.find(parentCode))) {
      throw InvalidInputError.field('code', `parent region ${parentCode} must be created first`);
    }
    return this.repo.transaction(async (tx) => {
      await this.repo.insert(tx, {
        code: dto.code,
        name: dto.name,
        nameEn: dto.nameEn ?? null,
        level: regionLevel(dto.code),
        parentCode,
        rescueArrivalLimitMin: dto.rescueArrivalLimitMin ?? defaultRescueArrivalLimitMin(dto.code),
      });
      await this.audit.record(tx, actor, 'region.create', 'region', dto.code, { after: dto });
      return (await this.repo.find(dto.code, tx)) as RegionEntity;
    });
  }

  async update(actor: Principal, code: string, dto: UpdateRegionDto): Promise<RegionEntity> {
    const before = await this.get(code);
    return this.repo.transaction(async (tx) => {
      await this.repo.update(tx, code, dto);
      const after = (await this.repo.find(code, tx)) as RegionEntity;
      await this.audit.record(tx, actor, 'region.update', 'region', code, {
        before: pick(before, dto),
        after: dto,
      });
      return after;
    });
  }
}

/** The fields of `entity` named in `patch` — the "before" half of an audit entry. */
export function pick<T extends object>(entity: T, patch: object): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(patch) as Array<keyof T>) out[key] = entity[key];
  return out;
}
