import { createHmac, randomBytes } from 'node:crypto';
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
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { DataSource } from 'typeorm';
import { AuditService, CurrentPrincipal, type Principal, Roles } from '@liftwatch/access';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { ForbiddenError, InvalidInputError, NotFoundError, UuidParam } from '@liftwatch/contract';

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` — what a receiver recomputes to verify. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Seconds to wait before attempt n+1 (n ≥ 1): 2, 4, 8 … capped at one hour. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(3600, 2 ** attempts);
}

export const MAX_ATTEMPTS = 10;

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://dispatch.example.com/liftwatch' })
  @Matches(/^https?:\/\/[^\s]{3,2000}$/, { message: 'url must be an http(s) URL' })
  url!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'admins: the organisation; others: their own' })
  @IsOptional()
  @IsUUID()
  organisationId?: string;

  @ApiPropertyOptional({ description: 'shared secret for the signature; generated when absent' })
  @IsOptional()
  @IsString()
  @Length(16, 200)
  secret?: string;
}

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
  ) {}

  async create(
    p: Principal,
    dto: CreateWebhookDto,
  ): Promise<{ id: string; url: string; organisationId: string; secret: string }> {
    const organisationId = p.role === 'admin' ? dto.organisationId : p.organisationId;
    if (!organisationId)
      throw InvalidInputError.field('organisationId', 'organisationId is required for admins');
    if (p.role !== 'admin' && dto.organisationId && dto.organisationId !== p.organisationId) {
      throw new ForbiddenError('you can add webhooks for your own organisation only', 'NOT_YOUR_RECORD');
    }
    const exists: unknown[] = await this.ds.query('SELECT 1 FROM organisations WHERE id = $1', [
      organisationId,
    ]);
    if (exists.length === 0) throw InvalidInputError.field('organisationId', 'organisation does not exist');
    const secret = dto.secret ?? randomBytes(24).toString('base64url');
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

  async list(
    p: Principal,
  ): Promise<Array<{ id: string; organisationId: string; url: string; active: boolean; createdAt: Date }>> {
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

  async deliveries(p: Principal, id: string): Promise<unknown[]> {
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
  create(
    @CurrentPrincipal() p: Principal,
    @Body() dto: CreateWebhookDto,
  ): Promise<{ id: string; url: string; organisationId: string; secret: string }> {
    return this.webhooks.create(p, dto);
  }

  @Get()
  list(
    @CurrentPrincipal() p: Principal,
  ): Promise<Array<{ id: string; organisationId: string; url: string; active: boolean; createdAt: Date }>> {
    return this.webhooks.list(p);
  }

  /** The delivery log: every attempt's outcome. */
  @Get(':id/deliveries')
  deliveries(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<unknown[]> {
    return this.webhooks.deliveries(p, id);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<void> {
    return this.webhooks.deactivate(p, id);
  }
}

/**
 * Sends pending deliveries (SKIP LOCKED, so several api replicas share the work without sending one
 * twice), signed with the webhook's secret, retried with exponential back-off.
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

  async dispatch(): Promise<number> {
    return this.ds.transaction(async (em) => {
      const due: Array<{ id: string; url: string; secret: string; payload: unknown; attempts: number }> =
        await em.query(
          `SELECT d.id, w.url, w.secret, d.payload, d.attempts FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
          WHERE d.status = 'pending' AND d.next_attempt_at <= now()
          ORDER BY d.next_attempt_at LIMIT 50 FOR UPDATE OF d SKIP LOCKED`,
        );
      await Promise.all(
        due.map(async (d) => {
          const body = JSON.stringify(d.payload);
          const timestamp = String(Date.now());
          let code: number | null = null;
          let error: string | null = null;
          try {
            const res = await fetch(d.url, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                'x-liftwatch-delivery': d.id,
                'x-liftwatch-timestamp': timestamp,
                'x-liftwatch-signature': signWebhook(d.secret, timestamp, body),
              },
              body,
              signal: AbortSignal.timeout(5000),
            });
            code = res.status;
          } catch (err) {
            error = err instanceof Error ? err.message : String(err);
          }
          const ok = code !== null && code >= 200 && code < 300;
          const attempts = d.attempts + 1;
          await em.query(
            `UPDATE webhook_deliveries SET attempts = $2::int, last_status_code = $3::int, last_error = $4::text,
                    status = CASE WHEN $5::boolean THEN 'delivered' WHEN $2::int >= $6::int THEN 'failed' ELSE 'pending' END,
                    delivered_at = CASE WHEN $5::boolean THEN now() END,
                    next_attempt_at = now() + make_interval(secs => $7::int)
              WHERE id = $1`,
            [
              d.id,
              attempts,
              code,
              error ?? (ok ? null : `HTTP ${code}`),
              ok,
              MAX_ATTEMPTS,
              retryDelaySeconds(attempts),
            ],
          );
        }),
      );
      return due.length;
    });
  }
}
