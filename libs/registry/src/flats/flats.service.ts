import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService, type Principal } from '@liftwatch/access';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '@liftwatch/contract';
import { UnitEntity } from '../buildings/building.entity';
import { OwnerEntity } from '../owners/owner.entity';
import { OwnersService } from '../owners/owners.service';
import { pick } from '../regions/regions.service';
import { restrictTo, VisibilityRepository } from '../visibility/visibility.repository';
import {
  type CreateFlatDto,
  type FlatQueryDto,
  type OwnershipView,
  type TransferOwnershipDto,
  type UpdateFlatDto,
} from './dto/flat.dto';
import { FlatEntity, FlatOwnershipEntity } from './flat.entity';
import { FlatsRepository } from './flats.repository';
import { ownershipShareProblems } from './ownership-shares.util';

/** Roles that may change flats and their ownership (agents only within their unit). */
const FLAT_WRITERS = new Set(['admin', 'agent']);

@Injectable()
export class FlatsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly flats: FlatsRepository,
    private readonly owners: OwnersService,
    private readonly visibility: VisibilityRepository,
    private readonly audit: AuditService,
  ) {}

  list(p: Principal, q: FlatQueryDto): Promise<[FlatEntity[], number]> {
    const qb = this.ds.getRepository(FlatEntity).createQueryBuilder('f');
    restrictTo(qb, 'f.unit_id', this.visibility.flats(p));
    if (q.unitId) qb.andWhere('f.unit_id = :uid', { uid: q.unitId });
    return qb.orderBy('f.floor').addOrderBy('f.number').take(q.limit).skip(q.offset).getManyAndCount();
  }

  async get(p: Principal, id: string): Promise<FlatEntity> {
    const qb = this.ds.getRepository(FlatEntity).createQueryBuilder('f').where('f.id = :id', { id });
    const flat = await restrictTo(qb, 'f.unit_id', this.visibility.flats(p)).getOne();
    if (!flat) throw new NotFoundError('Flat', id);
    return flat;
  }

  async create(actor: Principal, dto: CreateFlatDto): Promise<FlatEntity> {
    this.requireWriter(actor);
    const unit = await this.visibleUnit(actor, dto.unitId);
    if (dto.floor > unit.floorCount) {
      throw InvalidInputError.field('floor', `the unit has ${unit.floorCount} floors`);
    }
    return this.ds.transaction(async (em) => {
      const repo = em.getRepository(FlatEntity);
      const saved = await repo.save(repo.create(dto));
      await this.audit.record(em, actor, 'flat.create', 'flat', saved.id, { after: dto });
      return saved;
    });
  }

  async update(actor: Principal, id: string, dto: UpdateFlatDto): Promise<FlatEntity> {
    const before = await this.get(actor, id);
    this.requireWriter(actor);
    if (dto.floor !== undefined) {
      const unit = await this.ds.getRepository(UnitEntity).findOneByOrFail({ id: before.unitId });
      if (dto.floor > unit.floorCount)
        throw InvalidInputError.field('floor', `the unit has ${unit.floorCount} floors`);
    }
    return this.ds.transaction(async (em) => {
      await em.getRepository(FlatEntity).update({ id }, dto);
      await this.audit.record(em, actor, 'flat.update', 'flat', id, {
        before: pick(before, dto),
        after: dto,
      });
      return em.getRepository(FlatEntity).findOneByOrFail({ id });
    });
  }

  async remove(actor: Principal, id: string): Promise<void> {
    const before = await this.get(actor, id);
    this.requireWriter(actor);
    if (await this.flats.hasOwnerships(id)) {
      throw new ConflictError(
        'FLAT_HAS_OWNERSHIP_HISTORY',
        'a flat with ownership history cannot be deleted',
      );
    }
    await this.ds.transaction(async (em) => {
      await em.getRepository(FlatEntity).delete({ id });
      await this.audit.record(em, actor, 'flat.delete', 'flat', id, { before });
    });
  }

  async ownershipHistory(actor: Principal, flatId: string): Promise<OwnershipView[]> {
    await this.get(actor, flatId);
    if (this.visibility.owners(actor) === 'none') throw new NotFoundError('Flat', flatId);
    return this.flats.ownershipHistory(flatId);
  }

  /**
   * Records a change of ownership: the current owners' period ends the day before
   * `effectiveFrom` (valid_to is exclusive) and the new owners' period starts on it. The new
   * owners inherit the flat's duties and cost share from that date (retrofit policy, 运营维护阶段).
   */
  async transfer(actor: Principal, flatId: string, dto: TransferOwnershipDto): Promise<OwnershipView[]> {
    await this.get(actor, flatId);
    this.requireWriter(actor);
    const problems = ownershipShareProblems(dto.owners);
    if (problems.length > 0) throw new InvalidInputError(problems);
    const referenced = dto.owners.map((o) => o.ownerId).filter((id): id is string => id !== undefined);
    const visible = await this.owners.visibleIds(actor, referenced);
    const missing = dto.owners.flatMap((o, i) =>
      o.ownerId !== undefined && !visible.has(o.ownerId)
        ? [{ field: `owners.${i}.ownerId`, messages: ['owner does not exist'] }]
        : [],
    );
    if (missing.length > 0) throw new InvalidInputError(missing);

    await this.ds.transaction(async (em) => {
      await this.flats.lockFlat(em, flatId);
      const current = await this.flats.currentOwnerships(em, flatId);
      const blocking = current.find((c) => c.validFrom >= dto.effectiveFrom);
      if (blocking) {
        throw new ConflictError(
          'OWNERSHIP_DATE_CONFLICT',
          `the current ownership began on ${blocking.validFrom}; a transfer must take effect after that`,
        );
      }
      await this.flats.closeOwnerships(em, flatId, dto.effectiveFrom);
      const created: Array<{ ownerId: string; sharePercent: number }> = [];
      for (const entry of dto.owners) {
        let ownerId = entry.ownerId;
        if (ownerId === undefined) {
          const owner = await em
            .getRepository(OwnerEntity)
            .save(em.getRepository(OwnerEntity).create({ name: entry.name, phone: entry.phone ?? null }));
          ownerId = owner.id;
          await this.audit.record(em, actor, 'owner.create', 'owner', owner.id, {
            after: { name: entry.name },
          });
        }
        await em.getRepository(FlatOwnershipEntity).insert({
          flatId,
          ownerId,
          sharePercent: entry.sharePercent,
          validFrom: dto.effectiveFrom,
        });
        created.push({ ownerId, sharePercent: entry.sharePercent });
      }
      await this.audit.record(em, actor, 'flat.ownership.transfer', 'flat', flatId, {
        before: current.map((c) => c.id),
        after: { effectiveFrom: dto.effectiveFrom, owners: created },
      });
    });
    return this.flats.ownershipHistory(flatId);
  }

  private requireWriter(actor: Principal): void {
    if (!FLAT_WRITERS.has(actor.role)) {
      throw new ForbiddenError('ROLE_NOT_ALLOWED', `role ${actor.role} may not change flats`);
    }
  }

  /** The unit, if the actor sees it; otherwise a field error that does not reveal it exists. */
  private async visibleUnit(actor: Principal, unitId: string): Promise<UnitEntity> {
    const unit = await this.ds.getRepository(UnitEntity).findOneBy({ id: unitId });
    if (!unit || !(await this.visibility.canSeeUnit(actor, unitId))) {
      throw InvalidInputError.field('unitId', 'unit does not exist');
    }
    return unit;
  }
}
