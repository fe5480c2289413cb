import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { postJson } from '../webhook-target';

/** One escalation message as it leaves the platform. */
export interface OutgoingMessage {
  /** the outbox row's id: receivers de-duplicate by it */
  id: string;
  recipient: string;
  /** the text a person reads (SMS body, chat robot text) */
  text: string;
  /** the structured event (webhooks) */
  event: Record<string, unknown>;
}

export type SendOutcome =
  | { outcome: 'sent' }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'failed'; error: string; retry: boolean };

/** A way of reaching a person: SMS through a provider, or a webhook (chat robot, paging system). */
export interface NotificationChannel {
  readonly channel: 'sms' | 'webhook';
  send(m: OutgoingMessage): Promise<SendOutcome>;
}

const SEND_TIMEOUT_MS = 5000;

function outcomeOf(status: number | null, error: string | null): SendOutcome {
  if (status !== null && status >= 200 && status < 300) return { outcome: 'sent' };
  // a 4xx other than throttling will not get better by retrying
  const retry = status === null || status >= 500 || status === 429 || status === 408;
  return { outcome: 'failed', error: error ?? `HTTP ${status}`, retry };
}

/**
 * SMS, by SMS_PROVIDER: `http` posts `{ to, text, sign, messageId }` as JSON with the token as a
 * bearer to SMS_HTTP_URL — the shape a small adapter in front of any provider (Aliyun, Tencent
 * Cloud, a carrier gateway) accepts; `log` writes the message to the log (demos); `none` records
 * the message as skipped, so the timeline says nobody was texted.
 */
@Injectable()
export class SmsChannel implements NotificationChannel {
  readonly channel = 'sms' as const;
  private readonly logger = new Logger('SmsChannel');

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async send(m: OutgoingMessage): Promise<SendOutcome> {
    const sms = this.config.sms;
    const text = `【${sms.signName}】${m.text}`;
    if (sms.provider === 'none') return { outcome: 'skipped', reason: 'no SMS provider configured' };
    if (sms.provider === 'log') {
      this.logger.warn(`SMS to ${m.recipient}: ${text}`);
      return { outcome: 'sent' };
    }
    const body = JSON.stringify({ to: m.recipient, text, sign: sms.signName, messageId: m.id });
    const { status, error } = await postJson(
      sms.httpUrl ?? '',
      sms.httpToken
        ? { authorization: `Bearer ${sms.httpToken}`, 'idempotency-key': m.id }
        : { 'idempotency-key': m.id },
      body,
      // the gateway is the operator's own choice of service (often on their network)
      { timeoutMs: SEND_TIMEOUT_MS, allowInternal: true },
    );
    return outcomeOf(status, error);
  }
}

/**
 * A webhook contact (a duty room's paging system, a chat robot): the event as JSON with the
 * human-readable `text` (and in the `msgtype`/`content` shape chat robots take), with the message
 * id in `webhook-id` so a receiver de-duplicates a retry. Not signed: a contact's URL is a
 * capability of its own, like a chat robot's. Internal addresses follow WEBHOOK_ALLOW_PRIVATE_TARGETS.
 */
@Injectable()
export class WebhookChannel implements NotificationChannel {
  readonly channel = 'webhook' as const;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async send(m: OutgoingMessage): Promise<SendOutcome> {
    const body = JSON.stringify({ ...m.event, text: m.text, msgtype: 'text', content: { text: m.text } });
    const { status, error } = await postJson(m.recipient, { 'webhook-id': m.id }, body, {
      timeoutMs: SEND_TIMEOUT_MS,
      allowInternal: this.config.webhooks.allowPrivateTargets,
    });
    return outcomeOf(status, error);
  }
}
