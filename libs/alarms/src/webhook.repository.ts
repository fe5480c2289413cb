import { Injectable } from '@nestjs/common';
import { type Db, SqlRepository } from '@liftwatch/database';

export interface WebhookRow {
  id: string;
  organisation_id: string;
  url: string;
  secret: string;
  active: boolean;
  created_at: Date;
}

export interface ClaimedDelivery {
  id: string;
  url: string;
  secret: string;
  payload: unknown;
  attempts: number;
}

export interface DeliveryRow {
  id: string;
  alarmId: string | null;
  event: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
  createdAt: Date;
}

/** Every query of webhooks and their delivery outbox. */
@Injectable()
export class WebhookRepository extends SqlRepository {
  async organisationExists(id: string): Promise<boolean> {
    return (await this.sql.one(`SELECT 1 FROM organisations WHERE id = :id`, { id })) !== undefined;
  }

  async insert(tx: Db, organisationId: string, url: string, secret: string): Promise<string> {
    const row = await this.sql.one<{ id: string }>(
      `INSERT INTO webhooks (organisation_id, url, secret) VALUES (:organisationId, :url, :secret) RETURNING id`,
      { organisationId, url, secret },
      tx,
    );
    if (!row) throw new Error('webhook not inserted');
    return row.id;
  }

  /** Webhooks of one organisation, or all of them with `null`. */
  list(organisationId: string | null): Promise<WebhookRow[]> {
    return this.sql.query<WebhookRow>(
      `SELECT * FROM webhooks WHERE (CAST(:organisationId AS uuid) IS NULL OR organisation_id = CAST(:organisationId AS uuid))
        ORDER BY created_at`,
      { organisationId },
    );
  }

  find(id: string): Promise<WebhookRow | undefined> {
    return this.sql.one<WebhookRow>(`SELECT * FROM webhooks WHERE id = :id`, { id });
  }

  /** The latest 200 delivery attempts of a webhook, newest first. */
  deliveries(webhookId: string): Promise<DeliveryRow[]> {
    return this.sql.query<DeliveryRow>(
      `SELECT id, alarm_id AS "alarmId", event, status, attempts, last_status_code AS "lastStatusCode",
              last_error AS "lastError", next_attempt_at AS "nextAttemptAt", delivered_at AS "deliveredAt", created_at AS "createdAt"
         FROM webhook_deliveries WHERE webhook_id = :webhookId ORDER BY created_at DESC LIMIT 200`,
      { webhookId },
    );
  }

  async deactivate(tx: Db, id: string): Promise<void> {
    await this.sql.query(`UPDATE webhooks SET active = false WHERE id = :id`, { id }, tx);
  }

  /**
   * Claims up to `limit` due deliveries in one statement (SKIP LOCKED, so replicas share the work),
   * pushing each one's next attempt `leaseS` ahead.
   */
  claim(limit: number, leaseS: number): Promise<ClaimedDelivery[]> {
    return this.sql.query<ClaimedDelivery>(
      `WITH claimed AS (
         UPDATE webhook_deliveries d
            SET next_attempt_at = now() + make_interval(secs => CAST(:leaseS AS int))
           FROM (SELECT d2.id FROM webhook_deliveries d2
                  WHERE d2.status = 'pending' AND d2.next_attempt_at <= now()
                  ORDER BY d2.next_attempt_at LIMIT :limit FOR UPDATE SKIP LOCKED) due,
                webhooks w
          WHERE d.id = due.id AND w.id = d.webhook_id
         RETURNING d.id, w.url, w.secret, d.payload, d.attempts)
       SELECT * FROM claimed`,
      { limit, leaseS },
    );
  }

  /**
   * Records one attempt's outcome — delivered, failed for good after `maxAttempts`, or pending
   * again after `retryS` — unless another process recorded this attempt already.
   */
  async recordAttempt(a: {
    id: string;
    previousAttempts: number;
    statusCode: number | null;
    error: string | null;
    ok: boolean;
    maxAttempts: number;
    retryS: number;
  }): Promise<void> {
    await this.sql.query(
      `UPDATE webhook_deliveries SET attempts = CAST(:attempts AS int), last_status_code = CAST(:statusCode AS int),
              last_error = CAST(:error AS text),
              status = CASE WHEN CAST(:ok AS boolean) THEN 'delivered'
                            WHEN CAST(:attempts AS int) >= CAST(:maxAttempts AS int) THEN 'failed' ELSE 'pending' END,
              delivered_at = CASE WHEN CAST(:ok AS boolean) THEN now() END,
              next_attempt_at = now() + make_interval(secs => CAST(:retryS AS int))
        WHERE id = :id AND attempts = CAST(:previousAttempts AS int) AND status = 'pending'`,
      { ...a, attempts: a.previousAttempts + 1 },
    );
  }
}
