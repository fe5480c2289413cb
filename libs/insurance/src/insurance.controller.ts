import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseEnumPipe,
  Post,
  Query,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { type Response } from 'express';
import { CurrentPrincipal, type Principal, Roles, ReadsOne } from '@liftwatch/access';
import { Clock } from '@liftwatch/calendar';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import {
  CONTENT_TYPES,
  InvalidInputError,
  type Page,
  pageOf,
  PageOf,
  resolveTimeRange,
  sendSheets,
  TimeRangeQueryDto,
  UuidParam,
} from '@liftwatch/contract';
import { claimsSheet } from './claims-export';
import { CLAIM_ACTIONS, type ClaimAction } from './claim-workflow';
import {
  ClaimActionDto,
  ClaimTotals,
  ClaimDetail,
  ClaimExportQueryDto,
  ClaimQueryDto,
  ClaimView,
  type DocumentView,
  EvidenceView,
  IncidentAlarmDto,
  FileClaimDto,
  UploadDocumentDto,
} from './claim.dto';
import { ClaimsService, type UploadedFile as Upload } from './claims.service';
import { CancelPolicyDto, CreatePolicyDto, PolicyQueryDto, PolicyView } from './policy.dto';
import { PoliciesService } from './policies.service';

@ApiTags('insurance')
@ApiBearerAuth()
@Controller()
export class InsuranceController {
  constructor(
    private readonly policies: PoliciesService,
    private readonly claims: ClaimsService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('insurance/policies')
  @ApiOkResponse({ type: PageOf(PolicyView) })
  async listPolicies(
    @CurrentPrincipal() p: Principal,
    @Query() q: PolicyQueryDto,
  ): Promise<Page<PolicyView>> {
    const [items, total] = await this.policies.list(p, q);
    return pageOf(items, total, q);
  }

  /** Issue a policy (the insurer for itself, or an admin). */
  @Post('insurance/policies')
  @Roles('admin', 'insurer')
  createPolicy(@CurrentPrincipal() p: Principal, @Body() dto: CreatePolicyDto): Promise<PolicyView> {
    return this.policies.create(p, dto);
  }

  @ReadsOne<InsuranceController>((c, p, id) => c.policies.get(p, id))
  @Get('insurance/policies/:id')
  getPolicy(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<PolicyView> {
    return this.policies.get(p, id);
  }

  @Post('insurance/policies/:id/cancel')
  @HttpCode(200)
  @Roles('admin', 'insurer')
  cancelPolicy(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: CancelPolicyDto,
  ): Promise<PolicyView> {
    return this.policies.cancel(p, id, dto);
  }

  /** The claims queue: open claims oldest-in-stage first, with their stage age and SLA flag. */
  @Get('claims')
  @ApiOkResponse({ type: PageOf(ClaimView) })
  async listClaims(@CurrentPrincipal() p: Principal, @Query() q: ClaimQueryDto): Promise<Page<ClaimView>> {
    const [items, total] = await this.claims.list(p, q);
    return pageOf(items, total, q);
  }

  /** The claims of the queue's filters as a spreadsheet (`format=xlsx|csv`, `lang`), up to 5 000. */
  @Get('claims/export')
  @ApiProduces(CONTENT_TYPES.xlsx, 'text/csv')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  async exportClaims(
    @CurrentPrincipal() p: Principal,
    @Query() q: ClaimExportQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    const [items] = await this.claims.list(p, { ...q, limit: 5000, offset: 0 });
    const codes = await this.claims.registrationCodes(items.map((c) => c.elevatorId));
    const sheet = claimsSheet(items, codes, q.lang ?? 'zh-CN', this.config.businessTimeZone);
    await sendSheets(res, q.format ?? 'xlsx', `claims-${this.clock.today()}`, [sheet]);
  }

  /** File a claim (owners, agent, maintenance firm). Freezes the evidence bundle. */
  @Post('claims')
  @Roles('admin', 'owner', 'agent', 'firm')
  fileClaim(@CurrentPrincipal() p: Principal, @Body() dto: FileClaimDto): Promise<ClaimDetail> {
    return this.claims.file(p, dto);
  }

  /** Totals per business month of filing: filed, open, rejected, paid, assessed and paid amounts. */
  @Get('reports/claim-totals')
  claimTotals(@CurrentPrincipal() p: Principal, @Query() q: TimeRangeQueryDto): Promise<ClaimTotals[]> {
    const { from, to } = resolveTimeRange(q, this.clock.now(), 365);
    return this.claims.totals(p, from, to);
  }

  @ReadsOne<InsuranceController>((c, p, id) => c.claims.get(p, id))
  @Get('claims/:id')
  getClaim(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<ClaimDetail> {
    return this.claims.get(p, id);
  }

  /** The evidence bundle frozen at filing, its SHA-256, and whether it still matches. */
  @Get('claims/:id/evidence')
  evidence(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<EvidenceView> {
    return this.claims.evidenceOf(p, id);
  }

  /** Upload a photo, invoice, medical or incident report (multipart field `file`, plus `kind`). */
  @Post('claims/:id/documents')
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      properties: { kind: { type: 'string' }, file: { type: 'string', format: 'binary' } },
      required: ['kind', 'file'],
    },
  })
  @UseInterceptors(FileInterceptor('file'))
  upload(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: UploadDocumentDto,
    @UploadedFile() file: Upload | undefined,
  ): Promise<DocumentView> {
    return this.claims.upload(p, id, dto.kind, file);
  }

  @Get('claims/:id/documents/:documentId')
  @ApiProduces('application/pdf', 'image/jpeg', 'image/png', 'application/octet-stream')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' }, description: 'the document as uploaded' })
  async download(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @UuidParam('documentId') documentId: string,
    @Res() res: Response,
  ): Promise<void> {
    const { doc, content } = await this.claims.download(p, id, documentId);
    res.setHeader('Content-Type', doc.contentType);
    res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(doc.filename)}`);
    res.setHeader('X-Content-SHA256', doc.sha256);
    res.send(content);
  }

  /**
   * Name another alarm of the elevator as the incident (the claimant or the handler, with the
   * reason): the evidence is frozen again as a new version; the earlier stays. Audited.
   */
  @Post('claims/:id/incident-alarm')
  @HttpCode(200)
  @ApiOkResponse({ type: EvidenceView })
  chooseIncidentAlarm(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: IncidentAlarmDto,
  ): Promise<EvidenceView> {
    return this.claims.chooseIncidentAlarm(p, id, dto);
  }

  /** survey, request_documents, receive_documents, decide_liability, assess, pay, close or reject. */
  @Post('claims/:id/:action')
  @HttpCode(200)
  @ApiOkResponse({ type: ClaimDetail })
  act(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Param(
      'action',
      new ParseEnumPipe(Object.fromEntries(CLAIM_ACTIONS.map((a) => [a, a])), {
        exceptionFactory: () =>
          InvalidInputError.field('action', `action must be one of ${CLAIM_ACTIONS.join(', ')}`),
      }),
    )
    action: ClaimAction,
    @Body() dto: ClaimActionDto,
  ): Promise<ClaimDetail> {
    return this.claims.act(p, id, action, dto);
  }
}
