import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { LiveState, LiveStateBus, TelemetryReadRepository } from '@liftwatch/telemetry';
import { AlarmBus, type AlarmView } from '../alarm-view';
import { FleetRepository, type OpenAlarmRow } from './fleet.repository';
import { fleetStatus, isFaultAlarmType, NO_ALARMS, type OpenAlarmSummary } from './fleet-status';

/**
 * Gives every live state its fleet status (trapped, offline, fault …): it keeps a summary of each
 * elevator's open alarms (loaded at start, kept current from the alarm bus) and fills `status` in
 * whatever the live-state bus sends — socket.io updates, join snapshots, REST. When an alarm
 * changes an elevator's status without a new sample (an entrapment confirmed, an alarm resolved),
 * it sends that elevator's state again.
 */
@Injectable()
export class FleetStatusService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(FleetStatusService.name);
  private readonly open = new Map<string, Map<string, OpenAlarmRow>>();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly repo: FleetRepository,
    private readonly live: LiveStateBus,
    private readonly alarms: AlarmBus,
    private readonly read: TelemetryReadRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const a of await this.repo.openAlarms()) this.remember(a);
    this.live.setEnricher((s) => ({
      ...s,
      status: fleetStatus(s.deviceId ? s : null, this.summary(s.elevatorId)),
    }));
    this.unsubscribe = this.alarms.subscribe((changed, relayed) => void this.onAlarms(changed, relayed));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  summary(elevatorId: string): OpenAlarmSummary {
    const open = this.open.get(elevatorId);
    if (!open || open.size === 0) return NO_ALARMS;
    let trapped = false;
    let fault = false;
    for (const a of open.values()) {
      if (a.type === 'entrapment' && a.condition_cleared_ts === null) trapped = true;
      if (isFaultAlarmType(a.type)) fault = true;
    }
    return { trapped, fault };
  }

  openCount(elevatorId: string): number {
    return this.open.get(elevatorId)?.size ?? 0;
  }

  private remember(a: OpenAlarmRow): void {
    let m = this.open.get(a.elevator_id);
    if (!m) this.open.set(a.elevator_id, (m = new Map<string, OpenAlarmRow>()));
    m.set(a.type, a);
  }

  /** `relayed`: every replica learnt of these alarms, so each sends the states to its own sockets. */
  private async onAlarms(changed: AlarmView[], relayed: boolean): Promise<void> {
    const touched = new Set<string>();
    for (const a of changed) {
      const before = JSON.stringify(this.summary(a.elevatorId));
      const closed = a.status === 'resolved' || a.status === 'false_alarm';
      if (closed) this.open.get(a.elevatorId)?.delete(a.type);
      else {
        this.remember({
          elevator_id: a.elevatorId,
          type: a.type,
          condition_cleared_ts: a.conditionClearedTs ? new Date(a.conditionClearedTs) : null,
        });
      }
      if (JSON.stringify(this.summary(a.elevatorId)) !== before) touched.add(a.elevatorId);
    }
    if (touched.size === 0) return;
    try {
      const rows = await this.read.liveStates([...touched]);
      const states = [...touched].map((id) => {
        const row = rows.find((r) => r.elevator_id === id);
        return row ? LiveState.of(row) : LiveState.none(id);
      });
      this.live.publish(states, relayed);
    } catch (err) {
      this.logger.warn(`could not resend fleet status: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
