import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService, type Principal } from '@liftwatch/access';
import { ConflictError, InvalidInputError, NotFoundError } from '@liftwatch/contract';
import { type CreateRegionDto, type RegionQueryDto, type UpdateRegionDto } from './dto/region.dto';
import { defaultRescueArrivalLimitMin, parentRegionCode, regionLevel } from './region-code.util';
import { RegionEntity } from './region.entity';

/** Regions are public reference data: every role reads them, only admins write. */
@Injectable()
export class RegionsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly audit: AuditService,
  ) {}

  list(q: RegionQueryDto): Promise<RegionEntity[]> {
    const qb = this.ds.getRepository(RegionEntity).createQueryBuilder('r');
    if (q.parentCode) qb.andWhere('r.parent_code = :parent', { parent: q.parentCode });
    if (q.level) qb.andWhere('r.level = :level', { level: q.level });
    return qb.orderBy('r.code').getMany();
  }

  async get(code: string): Promise<RegionEntity> {
    const region = await this.ds.getRepository(RegionEntity).findOneBy({ code });
    if (!region) throw new NotFoundError('Region', code);
    return region;
  }

  async create(actor: Principal, dto: CreateRegionDto): Promise<RegionEntity> {
    const repo = this.ds.getRepository(RegionEntity);
    if (await repo.existsBy({ code: dto.code })) {
      throw new ConflictError('REGION_EXISTS', `region ${dto.code} already exists`);
    }
    const parentCode = parentRegionCode(dto.code);
    if (parentCode && !(await repo.existsBy({ code: parentCode }))) {
      throw InvalidInputError.field('code', `parent region ${parentCode} must be created first`);
    }
    return this.ds.transaction(async (em) => {
      const region = em.getRepository(RegionEntity).create({
        code: dto.code,
        name: dto.name,
        nameEn: dto.nameEn ?? null,
        level: regionLevel(dto.code),
        parentCode,
        rescueArrivalLimitMin: dto.rescueArrivalLimitMin ?? defaultRescueArrivalLimitMin(dto.code),
      });
      const saved = await em.getRepository(RegionEntity).save(region);
      await this.audit.record(em, actor, 'region.create', 'region', saved.code, { after: dto });
      return saved;
    });
  }

  async update(actor: Principal, code: string, dto: UpdateRegionDto): Promise<RegionEntity> {
    const before = await this.get(code);
    return this.ds.transaction(async (em) => {
      await em.getRepository(RegionEntity).update({ code }, dto);
      const after = await em.getRepository(RegionEntity).findOneByOrFail({ code });
      await this.audit.record(em, actor, 'region.update', 'region', code, {
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
