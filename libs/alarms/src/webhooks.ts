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
import { InjectDataSource } from '@nestjs/typeorm';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
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

interface WebhookRow {
  id: string;
  organisation_id: string;
  url: string;
  active: boolean;
  created_at: Date;
}

@Injectable()
export class WebhooksService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
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
    const exists: unknown[] = await this.ds.query('SELECT 1 FROM organisations WHERE id = $1', [
      organisationId,
    ]);
    if (exists.length === 0) throw InvalidInputError.field('organisationId', 'organisation does not exist');
    const secret = dto.secret ?? newWebhookSecret();
    return this.ds.transaction(async (em) => {
      const [row] = await em.query<Array<{ id: string }>>(
        `INSERT INTO webhooks (organisation_id, url, secret) VALUES ($1, $2, $3) RETURNING id`,
        [organisationId, dto.url, secret],
      );
      const id = row?.id ?? '';
      await this.audit.record(em, p, 'webhook.create', 'webhook', id, {
        after: { organisationId, url: dto.url },
      });
      return { id, url: dto.url, organisationId, secret };
    });
  }

  async list(p: Principal): Promise<WebhookView[]> {
    const rows: WebhookRow[] =
      p.role === 'admin'
        ? await this.ds.query('SELECT * FROM webhooks ORDER BY created_at')
        : await this.ds.query('SELECT * FROM webhooks WHERE organisation_id = $1 ORDER BY created_at', [
            p.organisationId,
          ]);
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
    return this.ds.query(
      `SELECT id, alarm_id AS "alarmId", event, status, attempts, last_status_code AS "lastStatusCode",
              last_error AS "lastError", next_attempt_at AS "nextAttemptAt", delivered_at AS "deliveredAt", created_at AS "createdAt"
         FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY created_at DESC LIMIT 200`,
      [id],
    );
  }

  async deactivate(p: Principal, id: string): Promise<void> {
    await this.find(p, id);
    await this.ds.transaction(async (em) => {
      await em.query('UPDATE webhooks SET active = false WHERE id = $1', [id]);
      await this.audit.record(em, p, 'webhook.deactivate', 'webhook', id);
    });
  }

  private async find(p: Principal, id: string): Promise<WebhookRow> {
    const [row] = await this.ds.query<WebhookRow[]>('SELECT * FROM webhooks WHERE id = $1', [id]);
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

interface ClaimedDelivery {
  id: string;
  url: string;
  secret: string;
  payload: unknown;
  attempts: number;
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
    @InjectDataSource() private readonly ds: DataSource,
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
    return this.ds.query<ClaimedDelivery[]>(
      `WITH claimed AS (
         UPDATE webhook_deliveries d
            SET next_attempt_at = now() + make_interval(secs => $2::int)
           FROM (SELECT d2.id FROM webhook_deliveries d2
                  WHERE d2.status = 'pending' AND d2.next_attempt_at <= now()
                  ORDER BY d2.next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED) due,
                webhooks w
          WHERE d.id = due.id AND w.id = d.webhook_id
         RETURNING d.id, w.url, w.secret, d.payload, d.attempts)
       SELECT * FROM claimed`,
      [limit, DELIVERY_LEASE_S],
    );
  }

  private async deliver(d: ClaimedDelivery): Promise<void> {
    const body = JSON.stringify(d.payload);
    const headers = standardWebhookHeaders(d.secret, d.id, new Date(), body);
    const { status, error } = await postJson(d.url, headers, body, {
      timeoutMs: SEND_TIMEOUT_MS,
      allowInternal: this.config.webhooks.allowPrivateTargets,
    });
    const ok = status !== null && status >= 200 && status < 300;
    const attempts = d.attempts + 1;
    // Guarded by the attempt count seen at the claim: if the lease ran out and another process
    // took the delivery meanwhile, its record wins and this late one is dropped.
    await this.ds.query(
      `UPDATE webhook_deliveries SET attempts = $2::int, last_status_code = $3::int, last_error = $4::text,
              status = CASE WHEN $5::boolean THEN 'delivered' WHEN $2::int >= $6::int THEN 'failed' ELSE 'pending' END,
              delivered_at = CASE WHEN $5::boolean THEN now() END,
              next_attempt_at = now() + make_interval(secs => $7::int)
        WHERE id = $1 AND attempts = $8::int AND status = 'pending'`,
      [
        d.id,
        attempts,
        status,
        error ?? (ok ? null : `HTTP ${status}`),
        ok,
        MAX_ATTEMPTS,
        retryDelaySeconds(attempts),
        d.attempts,
      ],
    );
  }
}
