import { Body, Controller, Delete, Get, HttpCode, Injectable, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuditService, CurrentPrincipal, isFirmStaff, type Principal, Roles } from '@liftwatch/access';
import {
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  type Page,
  pageArray,
  PageOf,
  PageQueryDto,
  UuidParam,
} from '@liftwatch/contract';
import { regionScopePrefix } from '@liftwatch/registry';
import { CreateEscalationContactDto, EscalationContactView } from './escalation.dto';
import { type ContactRow, EscalationRepository } from './escalation.repository';

/**
 * Who is told when a rescue alarm goes unacknowledged. A firm keeps its own on-call list and
 * managers; a regulator keeps the duty lines of its region and below; admins keep everything.
 */
@Injectable()
export class EscalationContactsService {
  constructor(
    private readonly repo: EscalationRepository,
    private readonly audit: AuditService,
  ) {}

  async list(p: Principal): Promise<EscalationContactView[]> {
    const rows =
      p.role === 'admin'
        ? await this.repo.listContacts({})
        : p.role === 'regulator'
          ? await this.repo.listContacts({ regionPrefix: regionScopePrefix(p.regionCode ?? '') })
          : await this.repo.listContacts({ organisationId: p.organisationId });
    return rows.map((r) => EscalationContactView.of(r));
  }

  async create(p: Principal, dto: CreateEscalationContactDto): Promise<EscalationContactView> {
    if (!dto.phone && !dto.webhookUrl)
      throw new InvalidInputError([
        { field: 'phone', messages: ['a phone or a webhookUrl is required'] },
        { field: 'webhookUrl', messages: ['a phone or a webhookUrl is required'] },
      ]);
    let organisationId: string | null = null;
    let regionCode: string | null = null;
    if (dto.level === 'duty_line') {
      if (isFirmStaff(p.role)) throw new ForbiddenError('NOT_ALLOWED', 'duty lines belong to regions');
      regionCode = dto.regionCode ?? (p.role === 'regulator' ? p.regionCode : null);
      if (!regionCode) throw InvalidInputError.field('regionCode', 'a duty line needs its region');
      if (p.role === 'regulator' && !regionCode.startsWith(regionScopePrefix(p.regionCode ?? '')))
        throw InvalidInputError.field('regionCode', 'outside your region');
      if (!(await this.repo.regionExists(regionCode)))
        throw InvalidInputError.field('regionCode', 'region does not exist');
    } else {
      if (p.role === 'regulator')
        throw new ForbiddenError('NOT_ALLOWED', 'the firm keeps its own on-call list');
      organisationId = p.role === 'admin' ? (dto.organisationId ?? null) : p.organisationId;
      if (!organisationId)
        throw InvalidInputError.field('organisationId', 'the maintenance firm is required');
      if (p.role !== 'admin' && dto.organisationId && dto.organisationId !== p.organisationId)
        throw new ForbiddenError('NOT_YOUR_RECORD', 'you keep your own firm’s contacts only');
      if ((await this.repo.organisationKind(organisationId))?.kind !== 'maintenance_firm')
        throw InvalidInputError.field('organisationId', 'not a maintenance firm');
    }
    const id = await this.repo.transaction(async (em) => {
      const id = await this.repo.insertContact(em, {
        organisationId,
        regionCode,
        level: dto.level,
        position: dto.position ?? 1,
        name: dto.name,
        phone: dto.phone ?? null,
        webhookUrl: dto.webhookUrl ?? null,
        userId: dto.userId ?? null,
      });
      await this.audit.record(em, p, 'escalation_contact.create', 'escalation_contact', id, {
        after: { ...dto, organisationId, regionCode },
      });
      return id;
    });
    return EscalationContactView.of((await this.repo.findContact(id)) as ContactRow);
  }

  async remove(p: Principal, id: string): Promise<void> {
    const c = await this.repo.findContact(id);
    const mine =
      c &&
      c.active &&
      (p.role === 'admin' ||
        (p.role === 'regulator' &&
          c.regionCode !== null &&
          c.regionCode.startsWith(regionScopePrefix(p.regionCode ?? ''))) ||
        (p.role === 'firm' && c.organisationId === p.organisationId));
    if (!mine) throw new NotFoundError('EscalationContact', id);
    await this.repo.transaction(async (em) => {
      await this.repo.deactivateContact(em, id);
      await this.audit.record(em, p, 'escalation_contact.remove', 'escalation_contact', id, {
        before: { name: c.name, level: c.level },
      });
    });
  }
}

@ApiTags('alarms')
@ApiBearerAuth()
@Roles('admin', 'firm', 'regulator')
@Controller('escalation-contacts')
export class EscalationContactsController {
  constructor(private readonly contacts: EscalationContactsService) {}

  /** The escalation chain's contacts the caller keeps (firm: its own; regulator: its region's duty lines). */
  @Get()
  @ApiOkResponse({ type: PageOf(EscalationContactView) })
  async list(
    @CurrentPrincipal() p: Principal,
    @Query() q: PageQueryDto,
  ): Promise<Page<EscalationContactView>> {
    return pageArray(await this.contacts.list(p), q);
  }

  @Post()
  @ApiOkResponse({ type: EscalationContactView })
  create(
    @CurrentPrincipal() p: Principal,
    @Body() dto: CreateEscalationContactDto,
  ): Promise<EscalationContactView> {
    return this.contacts.create(p, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<void> {
    return this.contacts.remove(p, id);
  }
}
