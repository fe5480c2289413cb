import { Injectable } from '@nestjs/common';
import { Clock } from '@liftwatch/calendar';
import { RetryLaterError } from '@liftwatch/contract';
import { Sql } from '@liftwatch/database';
import { AlarmBus, AlarmView } from './alarm-view';
import { IncidentReporter } from './rescue/incident-reporter';

/** What a passenger can report from the car's public page. */
export const PASSENGER_REPORT_KINDS = ['trapped', 'stopped', 'door', 'noise', 'other'] as const;
export type PassengerReportKind = (typeof PASSENGER_REPORT_KINDS)[number];

/** Reports one address may send in a window, and reports one elevator takes in a window. */
export const REPORTS_PER_ADDRESS = 3;
export const REPORTS_PER_ELEVATOR = 10;
export const REPORT_WINDOW_MS = 10 * 60_000;

/**
 * A problem reported by a passenger from the public page of the car's code (no login). "有人被困"
 * opens (or joins) the car's entrapment with the rescue clock running from the report; anything
 * else opens (or counts onto) the passenger-report alarm — both on the maintenance firm's panel,
 * with what was said and the number to call back (IncidentReporter). Rate-limited per address and per elevator, in memory (a
 * few reports a minute are plenty for a real car; a flood is refused with 429, not stored).
 */
@Injectable()
export class PassengerReportsService {
  private readonly byKey = new Map<string, number[]>();

  constructor(
    private readonly sql: Sql,
    private readonly reporter: IncidentReporter,
    private readonly bus: AlarmBus,
    private readonly clock: Clock,
  ) {}

  async report(
    elevatorId: string,
    from: string,
    r: { kind: PassengerReportKind; description?: string; contactPhone?: string },
  ): Promise<{ alarmId: string; receivedAt: string }> {
    const now = this.clock.now().getTime();
    this.take(`addr:${from}`, REPORTS_PER_ADDRESS, now);
    this.take(`elev:${elevatorId}`, REPORTS_PER_ELEVATOR, now);
    const { alarm } = await this.sql.transaction((tx) =>
      this.reporter.record(tx, {
        elevatorId,
        channel: 'public',
        kind: r.kind,
        at: new Date(now),
        text: r.description ?? null,
        callbackPhone: r.contactPhone ?? null,
        recordedBy: null,
        recordedByName: 'public',
      }),
    );
    this.bus.publish([AlarmView.of(alarm)]);
    return { alarmId: alarm.id, receivedAt: new Date(now).toISOString() };
  }

  /** Counts one report against `key`; refuses with 429 when the window is full. */
  private take(key: string, limit: number, now: number): void {
    const recent = (this.byKey.get(key) ?? []).filter((t) => t > now - REPORT_WINDOW_MS);
    if (recent.length >= limit) {
      const oldest = recent[0] ?? now;
      throw new RetryLaterError(
        'too_many_requests',
        'TOO_MANY_REPORTS',
        'too many reports; please call the hotline',
        Math.max(1, Math.ceil((oldest + REPORT_WINDOW_MS - now) / 1000)),
      );
    }
    recent.push(now);
    this.byKey.set(key, recent);
    if (this.byKey.size > 50_000) this.byKey.clear();
  }
}
