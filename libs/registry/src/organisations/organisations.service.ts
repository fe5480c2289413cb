import { OrganisationRepository } from './organisation.repository';
import { Injectable } from '@nestjs/common';
import { AuditService, type Principal } from '@liftwatch/access';
import { type FieldProblem, InvalidInputError, NotFoundError } from '@liftwatch/contract';
import { pick } from '../regions/regions.service';
import { type CreateOrganisationDto, type UpdateOrganisationDto } from './dto/organisation.dto';
import { type OrganisationEntity, type OrganisationKind } from './organisation.entity';

/**
 * Organisations (firms, insurers, makers, installers) are public registry data: licensed firms
 * are published by the market regulator, so every role may read them; only admins write.
 */
@Injectable()
export class OrganisationsService {
  constructor(
    private readonly repo: OrganisationRepository,
    private readonly audit: AuditService,
  ) {}

  list(f: {
    kind?: OrganisationKind;
    q?: string;
    limit: number;
    offset: number;
  }): Promise<[OrganisationEntity[], number]> {
    return this.repo.page(f);
  }

  async get(id: string): Promise<OrganisationEntity> {
    const org = await this.repo.find(id);
    if (!org) throw new NotFoundError('Organisation', id);
    return org;
  }

  /** Fails with a field error unless `id` is an organisation of the given kind. */
  async requireKind(id: string, kind: OrganisationKind, field: string): Promise<OrganisationEntity> {
    const org = await this.repo.find(id);
    if (!org) throw InvalidInputError.field(field, 'organisation does not exist');
    if (org.kind !== kind)
      throw InvalidInputError.field(field, `organisation is a ${org.kind}, expected a ${kind}`);
    return org;
  }

  async create(actor: Principal, dto: CreateOrganisationDto): Promise<OrganisationEntity> {
    await this.check(dto.kind, dto);
    return this.repo.transaction(async (tx) => {
      const id = await this.repo.insert(tx, dto);
      await this.audit.record(tx, actor, 'organisation.create', 'organisation', id, { after: dto });
      return (await this.repo.find(id, tx)) as OrganisationEntity;
    });
  }

  async update(actor: Principal, id: string, dto: UpdateOrganisationDto): Promise<OrganisationEntity> {
    const before = await this.get(id);
    await this.check(before.kind, { ...before, ...dto });
    return this.repo.transaction(async (tx) => {
      await this.repo.update(tx, id, dto);
      const after = (await this.repo.find(id, tx)) as OrganisationEntity;
      await this.audit.record(tx, actor, 'organisation.update', 'organisation', id, {
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
      if (!(await this.repo.regionExists(o.regionCode)))
        problems.push({ field: 'regionCode', messages: ['region does not exist'] });
    }
    if (problems.length > 0) throw new InvalidInputError(problems);
  }
}
