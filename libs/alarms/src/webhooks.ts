import { type ClaimedDelivery, WebhookRepository, type WebhookRow } from './webhook.repository';
import { randomBytes } from 'node:crypto';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Injectable,
  Logger,
  Post,
  Query,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Webhook } from 'standardwebhooks';
import { AuditService, CurrentPrincipal, type Principal, Roles } from '@liftwatch/access';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
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
import { postJson, webhookUrlProblem } from './webhook-target';
import { CreateWebhookDto, WebhookCreated, WebhookDeliveryView, WebhookView } from './webhook.dto';

/**
 * The Standard Webhooks headers (https://www.standardwebhooks.com): `webhook-id`, `webhook-timestamp`
 * (seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`), so a
 * receiver can verify with any Standard Webhooks library. A `whsec_…` secret is base64 key bytes;
 * older secrets (registered before this format) are used as raw bytes.
 */
export function standardWebhookHeaders(
  secret: string,
  id: string,
  at: Date,
  body: string,
): { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string } {
  const signer = secret.startsWith('whsec_') ? new Webhook(secret) : new Webhook(secret, { format: 'raw' });
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signer.sign(id, at, body),
  };
}

/** A new signing secret in the Standard Webhooks format. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * Seconds to wait before attempt n+1 (n ≥ 1): 2, 4, 8 … capped at one hour, with "equal jitter"
 * (half fixed, half random) so deliveries that failed together do not retry together.
 */
export function retryDelaySeconds(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(3600, 2 ** attempts);
  return Math.max(1, Math.round(base / 2 + random() * (base / 2)));
}

export const MAX_ATTEMPTS = 10;
/** How long a claimed delivery is reserved for the process sending it; after that anyone may retry. */
const DELIVERY_LEASE_S = 60;
const SEND_TIMEOUT_MS = 5000;

@Injectable()
export class WebhooksService {
  constructor(
    private readonly hooks: WebhookRepository,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(p: Principal, dto: CreateWebhookDto): Promise<WebhookCreated> {
    const organisationId = p.role === 'admin' ? dto.organisationId : p.organisationId;
    if (!organisationId)
      throw InvalidInputError.field('organisationId', 'organisationId is required for admins');
    if (p.role !== 'admin' && dto.organisationId && dto.organisationId !== p.organisationId) {
      throw new ForbiddenError('NOT_YOUR_RECORD', 'you can add webhooks for your own organisation only');
    }
    const urlProblem = webhookUrlProblem(dto.url, this.config.webhooks.allowPrivateTargets);
    if (urlProblem) throw InvalidInputError.field('url', urlProblem);
    if (!(await this.hooks.organisationExists(organisationId)))
      throw InvalidInputError.field('organisationId', 'organisation does not exist');
    const secret = dto.secret ?? newWebhookSecret();
    return this.hooks.transaction(async (em) => {
      const id = await this.hooks.insert(em, organisationId, dto.url, secret);
      await this.audit.record(em, p, 'webhook.create', 'webhook', id, {
        after: { organisationId, url: dto.url },
      });
      return { id, url: dto.url, organisationId, secret };
    });
  }

  async list(p: Principal): Promise<WebhookView[]> {
    const rows = await this.hooks.list(p.role === 'admin' ? null : (p.organisationId ?? ''));
    return rows.map((r) => ({
      id: r.id,
      organisationId: r.organisation_id,
      url: r.url,
      active: r.active,
      createdAt: r.created_at,
    }));
  }

  async deliveries(p: Principal, id: string): Promise<WebhookDeliveryView[]> {
    await this.find(p, id);
    return this.hooks.deliveries(id);
  }

  async deactivate(p: Principal, id: string): Promise<void> {
    await this.find(p, id);
    await this.hooks.transaction(async (em) => {
      await this.hooks.deactivate(em, id);
      await this.audit.record(em, p, 'webhook.deactivate', 'webhook', id);
    });
  }

  private async find(p: Principal, id: string): Promise<WebhookRow> {
    const row = await this.hooks.find(id);
    if (!row || (p.role !== 'admin' && row.organisation_id !== p.organisationId))
      throw new NotFoundError('Webhook', id);
    return row;
  }
}

@ApiTags('webhooks')
@ApiBearerAuth()
@Roles('admin', 'firm', 'insurer')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  /** Registers a URL that receives the organisation's alarm events; the secret is shown once. */
  @Post()
  @ApiCreatedResponse({ type: WebhookCreated })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateWebhookDto): Promise<WebhookCreated> {
    return this.webhooks.create(p, dto);
  }

  @Get()
  @ApiOkResponse({ type: PageOf(WebhookView) })
  async list(@CurrentPrincipal() p: Principal, @Query() q: PageQueryDto): Promise<Page<WebhookView>> {
    return pageArray(await this.webhooks.list(p), q);
  }

  /** The delivery log: every attempt's outcome (the latest 200), newest first. */
  @Get(':id/deliveries')
  @ApiOkResponse({ type: PageOf(WebhookDeliveryView) })
  async deliveries(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Query() q: PageQueryDto,
  ): Promise<Page<WebhookDeliveryView>> {
    return pageArray(await this.webhooks.deliveries(p, id), q);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<void> {
    return this.webhooks.deactivate(p, id);
  }
}

/**
 * Sends pending deliveries. A batch is claimed in one short statement (SKIP LOCKED, so api
 * replicas share the work) that pushes each claimed delivery's next attempt a lease ahead; the HTTP
 * calls happen after that commit, outside any transaction; each outcome is recorded on its own.
 * A process that dies mid-send leaves its claims to expire, and they are sent again — receivers
 * de-duplicate by `webhook-id`, as Standard Webhooks prescribes.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private busy = false;

  constructor(
    private readonly hooks: WebhookRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const h = setInterval(() => void this.tick(), Math.max(1000, this.config.alarms.sweepMs));
    h.unref();
    this.scheduler.addInterval('webhook-dispatch', h);
  }

  onModuleDestroy(): void {
    if (this.scheduler.doesExist('interval', 'webhook-dispatch'))
      this.scheduler.deleteInterval('webhook-dispatch');
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.dispatch();
    } catch (err) {
      this.logger.warn(`webhook dispatch failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.busy = false;
    }
  }

  /** Claims, sends and records one batch of due deliveries; returns how many were attempted. */
  async dispatch(): Promise<number> {
    const due = await this.claim(50);
    await Promise.all(due.map((d) => this.deliver(d)));
    return due.length;
  }

  private claim(limit: number): Promise<ClaimedDelivery[]> {
    return this.hooks.claim(limit, DELIVERY_LEASE_S);
  }

  private async deliver(d: ClaimedDelivery): Promise<void> {
    const body = JSON.stringify(d.payload);
    const headers = standardWebhookHeaders(d.secret, d.id, new Date(), body);
    const { status, error } = await postJson(d.url, headers, body, {
      timeoutMs: SEND_TIMEOUT_MS,
      allowInternal: this.config.webhooks.allowPrivateTargets,
    });
    const ok = status !== null && status >= 200 && status < 300;
    // Guarded by the attempt count seen at the claim: if the lease ran out and another process
    // took the delivery meanwhile, its record wins and this late one is dropped.
    await this.hooks.recordAttempt({
      id: d.id,
      previousAttempts: d.attempts,
      statusCode: status,
      error: error ?? (ok ? null : `HTTP ${status}`),
      ok,
      maxAttempts: MAX_ATTEMPTS,
      retryS: retryDelaySeconds(d.attempts + 1),
    });
  }
}
