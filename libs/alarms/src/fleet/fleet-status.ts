/**
 * What a dispatcher sees at a glance for one elevator, from its latest state and its open alarms.
 * Pure and table-tested; the dashboard shows the result, it never recomputes it.
 *
 * Precedence, most urgent first: trapped (an open entrapment whose passengers are not out yet, or
 * the car's own data: a passenger aboard a car stopped between floors, whatever any alarm says),
 * offline (no data: nothing below can be trusted), fault (an open fault alarm), inspection (a
 * technician has the car: service mode 2), out of service (mode 0, or fire/firefighter/emergency
 * power/earthquake/unknown modes 3–7: not carrying passengers normally), running, idle.
 */
import { type FleetStatus } from '@liftwatch/telemetry';

export interface LiveLike {
  online: boolean;
  running: boolean | null;
  mode: number | null;
  passenger?: boolean | null;
  doorZone?: boolean | null;
}

/**
 * The car says someone is trapped: stopped out of the door zone with a passenger aboard. A car
 * never stops between floors in normal service, so this holds without waiting for the alarm's
 * threshold — and after an alarm was closed too early.
 */
export function carReportsTrapped(live: LiveLike | null): boolean {
  return (
    !!live && live.online && live.running === false && live.passenger === true && live.doorZone === false
  );
}

export interface OpenAlarmSummary {
  /** an entrapment alarm is open and its condition has not ended */
  trapped: boolean;
  /** an open alarm that means the elevator is faulty (device faults, overspeed, power loss, door faults) */
  fault: boolean;
}

export const NO_ALARMS: OpenAlarmSummary = { trapped: false, fault: false };

/** Alarm types that do not make an elevator "faulty" by themselves. */
const NOT_A_FAULT = new Set(['entrapment', 'offline', 'alarm_button']);

export function isFaultAlarmType(type: string): boolean {
  return !NOT_A_FAULT.has(type);
}

export function fleetStatus(live: LiveLike | null, alarms: OpenAlarmSummary = NO_ALARMS): FleetStatus {
  if (alarms.trapped || carReportsTrapped(live)) return 'trapped';
  if (!live || !live.online) return 'offline';
  if (alarms.fault) return 'fault';
  if (live.mode === 2) return 'inspection';
  if (live.mode !== null && live.mode !== 1) return 'out_of_service';
  if (live.running) return 'running';
  return 'idle';
}
