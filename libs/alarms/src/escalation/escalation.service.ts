import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { type EntityManager } from 'typeorm';
import { Clock } from '@liftwatch/calendar';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { AlarmRepository } from '../alarm.repository';
import { retryDelaySeconds, MAX_ATTEMPTS } from '../webhooks';
import { deliveriesOf, dueSteps, escalationChain, type EscalationLevel } from './escalation-chain';
import {
  EscalationRepository,
  type EscalationMessageRow,
  type UnacknowledgedAlarm,
} from './escalation.repository';
import { type NotificationChannel, SmsChannel, WebhookChannel } from './notification-senders';

const LEVEL_ZH: Record<EscalationLevel, string> = {
  on_call: '值班人员',
  manager: '维保单位负责人',
  duty_line: '属地值守',
};
const DELIVERY_LEASE_S = 60;

/** The text a person reads on the phone; the rescue code lets them find the car on the city's platform. */
export function escalationText(a: UnacknowledgedAlarm, minutes: number, level: EscalationLevel): string {
  const deadline = a.rescueDeadline
    ? new Date(a.rescueDeadline).toLocaleTimeString('zh-CN', {
        timeZone: 'Asia/Shanghai',
        hour: '2-digit',
        minute: '2-digit',
      })
    : '—';
  return (
    `困人告警 ${minutes} 分钟无人确认（通知${LEVEL_ZH[level]}）：${a.place}，注册代码 ${a.registrationCode}` +
    `${a.rescueCode ? `，救援识别码 ${a.rescueCode}` : ''}，救援到场时限 ${deadline}。请立即确认并派人。`
  );
}

/**
 * Escalation of rescue alarms nobody acknowledges: every ALARM_ACK_ESCALATE_S without an
 * acknowledgement the next step of the chain (escalation-chain.ts) is told, through the
 * outbox (`alarm_escalations`, written in the sweep's transaction, so a step is told once) and each
 * step is on the alarm's timeline. The outbox is sent here, retried with backoff like webhooks.
 */
@Injectable()
export class EscalationService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EscalationService.name);
  private readonly channels: Map<string, NotificationChannel>;
  private busy = false;

  constructor(
    private readonly repo: EscalationRepository,
    private readonly alarms: AlarmRepository,
    private readonly clock: Clock,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    sms: SmsChannel,
    webhook: WebhookChannel,
  ) {
    this.channels = new Map<string, NotificationChannel>([
      ['sms', sms],
      ['webhook', webhook],
    ]);
  }

  onApplicationBootstrap(): void {
    const h = setInterval(() => void this.tick(), Math.max(500, Math.min(2000, this.config.alarms.sweepMs)));
    h.unref();
    this.scheduler.addInterval('escalation-dispatch', h);
  }

  onModuleDestroy(): void {
    if (this.scheduler.doesExist('interval', 'escalation-dispatch'))
      this.scheduler.deleteInterval('escalation-dispatch');
  }

  /**
   * Called by the alarm sweep inside its transaction (under its lock): moves each unacknowledged
   * rescue alarm's escalation to the step its waiting time calls for. Returns the alarm ids changed.
   */
  async escalate(em: EntityManager): Promise<string[]> {
    const periodS = this.config.alarms.ackEscalateS;
    const changed: string[] = [];
    for (const a of await this.repo.unacknowledged(em, periodS, this.clock.today())) {
      const due = dueSteps(Date.now() - new Date(a.ackClockFrom).getTime(), periodS);
      const steps = escalationChain(await this.repo.chainContacts(em, a.firmId, a.regionCode));
      // one step past the chain's end says so once; nothing further is due after it
      const target = Math.min(due, steps.length + 1);
      if (target <= a.ackEscalationStep) continue;
      for (let n = a.ackEscalationStep + 1; n <= target; n++) {
        const minutes = Math.round((n * periodS) / 60);
        const step = steps[n - 1];
        if (!step) {
          await this.alarms.append(em, a.id, 'escalation_exhausted', null, 'system', null, {
            step: n,
            contacts: steps.length,
          });
          continue;
        }
        const text = escalationText(a, minutes, step.level);
        for (const d of deliveriesOf(step)) {
          await this.repo.enqueue(em, {
            alarmId: a.id,
            step: n,
            level: step.level,
            contactId: d.contact.id,
            contactName: d.contact.name,
            channel: d.channel,
            recipient: d.recipient,
            body: {
              text,
              event: 'alarm.unacknowledged',
              alarm: {
                id: a.id,
                elevatorId: a.elevatorId,
                type: a.type,
                place: a.place,
                registrationCode: a.registrationCode,
                rescueCode: a.rescueCode,
                rescueDeadline: a.rescueDeadline,
                firstSeenTs: a.firstSeenTs,
              },
              step: n,
              level: step.level,
              waitedMinutes: minutes,
            },
          });
        }
        await this.alarms.append(em, a.id, 'escalated', null, 'system', null, {
          step: n,
          level: step.level,
          to: step.contacts.map((c) => c.name),
          channels: [...new Set(deliveriesOf(step).map((d) => d.channel))],
          waitedSeconds: n * periodS,
        });
      }
      if (await this.repo.advance(em, a.id, a.ackEscalationStep, target)) changed.push(a.id);
    }
    return changed;
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.dispatch();
    } catch (err) {
      this.logger.warn(`escalation dispatch failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.busy = false;
    }
  }

  /** Sends one batch of due messages; returns how many were attempted. */
  async dispatch(): Promise<number> {
    const due = await this.repo.claim(50, DELIVERY_LEASE_S);
    await Promise.all(due.map((m) => this.deliver(m)));
    return due.length;
  }

  private async deliver(m: EscalationMessageRow): Promise<void> {
    const channel = this.channels.get(m.channel);
    const text = typeof m.body.text === 'string' ? m.body.text : '';
    const result = channel
      ? await channel.send({ id: m.id, recipient: m.recipient, text, event: m.body })
      : ({ outcome: 'skipped', reason: `no sender for ${m.channel}` } as const);
    const lastTry = m.attempts + 1 >= MAX_ATTEMPTS;
    await this.repo.recordAttempt({
      id: m.id,
      previousAttempts: m.attempts,
      outcome: result.outcome === 'failed' ? (result.retry && !lastTry ? 'retry' : 'failed') : result.outcome,
      error: result.outcome === 'failed' ? result.error : result.outcome === 'skipped' ? result.reason : null,
      retryS: retryDelaySeconds(m.attempts + 1),
    });
  }
}
