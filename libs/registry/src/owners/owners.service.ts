import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService, type Principal } from '@liftwatch/access';
import { ForbiddenError, NotFoundError } from '@liftwatch/contract';
import { type PageQueryDto } from '@liftwatch/contract';
import { type CreateOwnerDto, type OwnerView, type UpdateOwnerDto } from '../flats/dto/flat.dto';
import { maskPhone } from '../flats/ownership-shares.util';
import { pick } from '../regions/regions.service';
import { restrictTo, VisibilityRepository } from '../visibility/visibility.repository';
import { OwnerEntity } from './owner.entity';

@Injectable()
export class OwnersService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly visibility: VisibilityRepository,
    private readonly audit: AuditService,
  ) {}

  async list(p: Principal, q: PageQueryDto & { unitId?: string }): Promise<[OwnerView[], number]> {
    const qb = this.ds.getRepository(OwnerEntity).createQueryBuilder('o');
    restrictTo(qb, 'o.id', this.visibility.owners(p));
    if (q.unitId) {
      qb.andWhere(
        `o.id IN (SELECT fo.owner_id FROM flat_ownerships fo JOIN flats f ON f.id = fo.flat_id
                   WHERE f.unit_id = :unitId AND fo.valid_to IS NULL)`,
        { unitId: q.unitId },
      );
    }
    const [rows, total] = await qb.orderBy('o.name').take(q.limit).skip(q.offset).getManyAndCount();
    return [rows.map((o) => this.view(p, o)), total];
  }

  async get(p: Principal, id: string): Promise<OwnerView> {
    return this.view(p, await this.find(p, id));
  }

  async create(actor: Principal, dto: CreateOwnerDto): Promise<OwnerView> {
    return this.ds.transaction(async (em) => {
      const repo = em.getRepository(OwnerEntity);
      const saved = await repo.save(repo.create({ name: dto.name, phone: dto.phone ?? null }));
      await this.audit.record(em, actor, 'owner.create', 'owner', saved.id, { after: dto });
      return this.view(actor, saved);
    });
  }

  /** Admins and agents edit owners they see; an owner edits only their own record. */
  async update(actor: Principal, id: string, dto: UpdateOwnerDto): Promise<OwnerView> {
    const before = await this.find(actor, id);
    if (actor.role === 'owner' && actor.ownerId !== id) {
      throw new ForbiddenError('NOT_YOUR_RECORD', 'owners may change only their own contact details');
    }
    return this.ds.transaction(async (em) => {
      await em.getRepository(OwnerEntity).update({ id }, dto);
      await this.audit.record(em, actor, 'owner.update', 'owner', id, {
        before: pick(before, dto),
        after: dto,
      });
      return this.view(actor, await em.getRepository(OwnerEntity).findOneByOrFail({ id }));
    });
  }

  /** Which of `ids` the principal may refer to. */
  async visibleIds(p: Principal, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const qb = this.ds.getRepository(OwnerEntity).createQueryBuilder('o').where('o.id IN (:...ids)', { ids });
    const rows = await restrictTo(qb, 'o.id', this.visibility.owners(p)).getMany();
    return new Set(rows.map((r) => r.id));
  }

  private async find(p: Principal, id: string): Promise<OwnerEntity> {
    const qb = this.ds.getRepository(OwnerEntity).createQueryBuilder('o').where('o.id = :id', { id });
    const owner = await restrictTo(qb, 'o.id', this.visibility.owners(p)).getOne();
    if (!owner) throw new NotFoundError('Owner', id);
    return owner;
  }

  /** Personal data minimisation: an owner sees neighbours' phone numbers masked. */
  private view(p: Principal, o: OwnerEntity): OwnerView {
    const reveal = p.role === 'admin' || p.role === 'agent' || p.ownerId === o.id;
    return { id: o.id, name: o.name, phone: reveal ? o.phone : maskPhone(o.phone), createdAt: o.createdAt };
  }
}
