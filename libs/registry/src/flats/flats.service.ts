import { Injectable } from '@nestjs/common';
import { AuditService, type Principal } from '@liftwatch/access';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '@liftwatch/contract';
import { OwnerRepository } from '../owners/owner.repository';
import { OwnersService } from '../owners/owners.service';
import { pick } from '../regions/regions.service';
import { VisibilityRepository } from '../visibility/visibility.repository';
import {
  type CreateFlatDto,
  type FlatQueryDto,
  type OwnershipView,
  type TransferOwnershipDto,
  type UpdateFlatDto,
} from './dto/flat.dto';
import { type FlatEntity } from './flat.entity';
import { FlatsRepository } from './flats.repository';
import { ownershipShareProblems } from './ownership-shares.util';

/** Roles that may change flats and their ownership (agents only within their unit). */
const FLAT_WRITERS = new Set(['admin', 'agent']);

@Injectable()
export class FlatsService {
  constructor(
    private readonly flats: FlatsRepository,
    private readonly owners: OwnersService,
    private readonly ownerRows: OwnerRepository,
    private readonly visibility: VisibilityRepository,
    private readonly audit: AuditService,
  ) {}

  list(p: Principal, q: FlatQueryDto): Promise<[FlatEntity[], number]> {
    return this.flats.page(this.visibility.flats(p), q);
  }

  async get(p: Principal, id: string): Promise<FlatEntity> {
    const flat = await this.flats.find(id, this.visibility.flats(p));
    if (!flat) throw new NotFoundError('Flat', id);
    return flat;
  }

  async create(actor: Principal, dto: CreateFlatDto): Promise<FlatEntity> {
    this.requireWriter(actor);
    const floorCount = await this.visibleUnitFloors(actor, dto.unitId);
    if (dto.floor > floorCount) throw InvalidInputError.field('floor', `the unit has ${floorCount} floors`);
    return this.flats.transaction(async (tx) => {
      const id = await this.flats.insert(tx, dto);
      await this.audit.record(tx, actor, 'flat.create', 'flat', id, { after: dto });
      return (await this.flats.find(id, null, tx)) as FlatEntity;
    });
  }

  async update(actor: Principal, id: string, dto: UpdateFlatDto): Promise<FlatEntity> {
    const before = await this.get(actor, id);
    this.requireWriter(actor);
    if (dto.floor !== undefined) {
      const floorCount = (await this.flats.unitFloorCount(before.unitId)) ?? 0;
      if (dto.floor > floorCount) throw InvalidInputError.field('floor', `the unit has ${floorCount} floors`);
    }
    return this.flats.transaction(async (tx) => {
      await this.flats.update(tx, id, dto);
      await this.audit.record(tx, actor, 'flat.update', 'flat', id, {
        before: pick(before, dto),
        after: dto,
      });
      return (await this.flats.find(id, null, tx)) as FlatEntity;
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
    await this.flats.transaction(async (tx) => {
      await this.flats.delete(tx, id);
      await this.audit.record(tx, actor, 'flat.delete', 'flat', id, { before });
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

    await this.flats.transaction(async (em) => {
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
          const owner = await this.ownerRows.insert(em, entry.name ?? '', entry.phone ?? null);
          ownerId = owner.id;
          await this.audit.record(em, actor, 'owner.create', 'owner', owner.id, {
            after: { name: entry.name },
          });
        }
        await this.flats.addOwnership(em, {
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

  /** The unit's floors, if the actor sees it; otherwise a field error that does not reveal it exists. */
  private async visibleUnitFloors(actor: Principal, unitId: string): Promise<number> {
    const floorCount = await this.flats.unitFloorCount(unitId);
    if (floorCount === null || !(await this.visibility.canSeeUnit(actor, unitId))) {
      throw InvalidInputError.field('unitId', 'unit does not exist');
    }
    return floorCount;
  }
}
