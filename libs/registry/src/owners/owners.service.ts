import { OwnerRepository } from './owner.repository';
import { Injectable } from '@nestjs/common';
import { AuditService, type Principal } from '@liftwatch/access';
import { ForbiddenError, NotFoundError } from '@liftwatch/contract';
import { type SearchPageQueryDto } from '@liftwatch/contract';
import { type CreateOwnerDto, type OwnerView, type UpdateOwnerDto } from '../flats/dto/flat.dto';
import { maskPhone } from '../flats/ownership-shares.util';
import { pick } from '../regions/regions.service';
import { VisibilityRepository } from '../visibility/visibility.repository';
import { type OwnerEntity } from './owner.entity';

@Injectable()
export class OwnersService {
  constructor(
    private readonly repo: OwnerRepository,
    private readonly visibility: VisibilityRepository,
    private readonly audit: AuditService,
  ) {}

  async list(p: Principal, q: SearchPageQueryDto & { unitId?: string }): Promise<[OwnerView[], number]> {
    const [rows, total] = await this.repo.page(this.visibility.owners(p), q);
    return [rows.map((o) => this.view(p, o)), total];
  }

  async get(p: Principal, id: string): Promise<OwnerView> {
    return this.view(p, await this.find(p, id));
  }

  async create(actor: Principal, dto: CreateOwnerDto): Promise<OwnerView> {
    return this.repo.transaction(async (tx) => {
      const saved = await this.repo.insert(tx, dto.name, dto.phone ?? null);
      await this.audit.record(tx, actor, 'owner.create', 'owner', saved.id, { after: dto });
      return this.view(actor, saved);
    });
  }

  /** Admins and agents edit owners they see; an owner edits only their own record. */
  async update(actor: Principal, id: string, dto: UpdateOwnerDto): Promise<OwnerView> {
    const before = await this.find(actor, id);
    if (actor.role === 'owner' && actor.ownerId !== id) {
      throw new ForbiddenError('NOT_YOUR_RECORD', 'owners may change only their own contact details');
    }
    return this.repo.transaction(async (tx) => {
      await this.repo.update(tx, id, dto);
      await this.audit.record(tx, actor, 'owner.update', 'owner', id, {
        before: pick(before, dto),
        after: dto,
      });
      return this.view(actor, (await this.repo.find(id, null, tx)) as OwnerEntity);
    });
  }

  /** Which of `ids` the principal may refer to. */
  visibleIds(p: Principal, ids: string[]): Promise<Set<string>> {
    return this.repo.visibleIds(ids, this.visibility.owners(p));
  }

  private async find(p: Principal, id: string): Promise<OwnerEntity> {
    const owner = await this.repo.find(id, this.visibility.owners(p));
    if (!owner) throw new NotFoundError('Owner', id);
    return owner;
  }

  /** Personal data minimisation: an owner sees neighbours' phone numbers masked. */
  private view(p: Principal, o: OwnerEntity): OwnerView {
    const reveal = p.role === 'admin' || p.role === 'agent' || p.ownerId === o.id;
    return { id: o.id, name: o.name, phone: reveal ? o.phone : maskPhone(o.phone), createdAt: o.createdAt };
  }
}
