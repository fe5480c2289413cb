import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService, type Principal } from '@liftwatch/access';
import { type FieldProblem, InvalidInputError, NotFoundError } from '@liftwatch/contract';
import { pick } from '../regions/regions.service';
import { type CreateOrganisationDto, type UpdateOrganisationDto } from './dto/organisation.dto';
import { OrganisationEntity, type OrganisationKind } from './organisation.entity';

/**
 * Organisations (firms, insurers, makers, installers) are public registry data: licensed firms
 * are published by the market regulator, so every role may read them; only admins write.
 */
@Injectable()
export class OrganisationsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly audit: AuditService,
  ) {}

  list(
    kind: OrganisationKind | undefined,
    limit: number,
    offset: number,
  ): Promise<[OrganisationEntity[], number]> {
    const qb = this.ds.getRepository(OrganisationEntity).createQueryBuilder('o');
    if (kind) qb.where('o.kind = :kind', { kind });
    return qb.orderBy('o.name').take(limit).skip(offset).getManyAndCount();
  }

  async get(id: string): Promise<OrganisationEntity> {
    const org = await this.ds.getRepository(OrganisationEntity).findOneBy({ id });
    if (!org) throw new NotFoundError('Organisation', id);
    return org;
  }

  /** Fails with a field error unless `id` is an organisation of the given kind. */
  async requireKind(id: string, kind: OrganisationKind, field: string): Promise<OrganisationEntity> {
    const org = await this.ds.getRepository(OrganisationEntity).findOneBy({ id });
    if (!org) throw InvalidInputError.field(field, 'organisation does not exist');
    if (org.kind !== kind)
      throw InvalidInputError.field(field, `organisation is a ${org.kind}, expected a ${kind}`);
    return org;
  }

  async create(actor: Principal, dto: CreateOrganisationDto): Promise<OrganisationEntity> {
    await this.check(dto.kind, dto);
    return this.ds.transaction(async (em) => {
      const repo = em.getRepository(OrganisationEntity);
      const saved = await repo.save(repo.create(dto));
      await this.audit.record(em, actor, 'organisation.create', 'organisation', saved.id, { after: dto });
      return saved;
    });
  }

  async update(actor: Principal, id: string, dto: UpdateOrganisationDto): Promise<OrganisationEntity> {
    const before = await this.get(id);
    await this.check(before.kind, { ...before, ...dto });
    return this.ds.transaction(async (em) => {
      await em.getRepository(OrganisationEntity).update({ id }, dto);
      const after = await em.getRepository(OrganisationEntity).findOneByOrFail({ id });
      await this.audit.record(em, actor, 'organisation.update', 'organisation', id, {
        before: pick(before, dto),
        after: dto,
      });
      return after;
    });
  }

  private async check(
    kind: OrganisationKind,
    o: { licenceNumber?: string | null; creditRating?: string | null; regionCode?: string | null },
  ): Promise<void> {
    const problems: FieldProblem[] = [];
    if (kind === 'maintenance_firm' && !o.licenceNumber) {
      problems.push({
        field: 'licenceNumber',
        messages: ['licenceNumber is required for a maintenance firm'],
      });
    }
    if (kind !== 'maintenance_firm' && o.creditRating) {
      problems.push({ field: 'creditRating', messages: ['creditRating applies to maintenance firms only'] });
    }
    if (o.regionCode) {
      const exists: unknown[] = await this.ds.query('SELECT 1 FROM regions WHERE code = $1', [o.regionCode]);
      if (exists.length === 0) problems.push({ field: 'regionCode', messages: ['region does not exist'] });
    }
    if (problems.length > 0) throw new InvalidInputError(problems);
  }
}
