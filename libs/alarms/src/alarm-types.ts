import { eventCodeInfo } from '@liftwatch/telemetry';

export type Severity = 'critical' | 'major' | 'minor';

/** What the platform does with one kind of alarm. Data, not logic: extend here. */
export interface AlarmTypeInfo {
  type: string;
  severity: Severity;
  nameZh: string;
  nameEn: string;
  /** people may be trapped: rescue deadline and escalation apply */
  needsRescue: boolean;
  /** the alarm resolves itself when the device reports the condition gone */
  autoClear: boolean;
  /**
   * the car is out of service while it is open: counted against availability and told to the
   * owners. A device that is offline is not known to be stopped, so `offline` is not one.
   */
  stopsService: boolean;
}

export const ALARM_TYPES: readonly AlarmTypeInfo[] = [
  {
    type: 'entrapment',
    severity: 'critical',
    nameZh: '困人',
    nameEn: 'Entrapment',
    needsRescue: true,
    autoClear: false,
    stopsService: true,
  },
  {
    type: 'overspeed',
    severity: 'critical',
    nameZh: '超速',
    nameEn: 'Overspeed',
    needsRescue: false,
    autoClear: false,
    stopsService: true,
  },
  {
    type: 'offline',
    severity: 'major',
    nameZh: '设备离线',
    nameEn: 'Device offline',
    needsRescue: false,
    autoClear: true,
    stopsService: false,
  },
  {
    // alarms opened by the button before it counted as an entrapment report
    type: 'alarm_button',
    severity: 'major',
    nameZh: '报警按钮',
    nameEn: 'Alarm button pressed',
    needsRescue: false,
    autoClear: false,
    stopsService: false,
  },
  {
    type: 'power_loss',
    severity: 'major',
    nameZh: '主电源断电',
    nameEn: 'Mains power lost',
    needsRescue: false,
    autoClear: true,
    stopsService: true,
  },
  {
    // a passenger (or anyone in the car) reporting a problem from the public page of the car's code
    type: 'passenger_report',
    severity: 'major',
    nameZh: '乘客报告',
    nameEn: 'Passenger report',
    needsRescue: false,
    autoClear: false,
    stopsService: false,
  },
  {
    type: 'repeated_door_fault',
    severity: 'major',
    nameZh: '门故障频发',
    nameEn: 'Repeated door faults',
    needsRescue: false,
    autoClear: false,
    stopsService: false,
  },
];

/** Door faults (fails to close, fails to open): this many within the window open an alarm of their own. */
export const DOOR_FAULT_CODES: readonly string[] = ['02', '03'];
export const REPEATED_DOOR_FAULTS = 3;
export const REPEATED_DOOR_FAULT_WINDOW_S = 600;

const BY_TYPE = new Map(ALARM_TYPES.map((t) => [t.type, t]));

/**
 * Device codes that mean an entrapment, whoever detected it; they all feed one alarm. The car's
 * alarm button (90) is a passenger asking for help: it starts the rescue clock like any other
 * report of people trapped (the dispatcher closes a prank as a false report).
 */
const ENTRAPMENT_CODES = new Set(['11', 'TRAPPED_AT_FLOOR', 'TRAPPED_BETWEEN_FLOORS', '90']);

/** The alarm button: an entrapment report of its own kind (kept with the incident's reports). */
export const ALARM_BUTTON_CODE = '90';

/**
 * The alarm a device-reported code opens, or null when the code opens none (informational
 * events such as "back to normal service").
 */
export function alarmTypeForCode(code: string): AlarmTypeInfo | null {
  if (ENTRAPMENT_CODES.has(code)) return BY_TYPE.get('entrapment') ?? null;
  if (code === 'OVERSPEED') return BY_TYPE.get('overspeed') ?? null;
  if (code === '41') return BY_TYPE.get('power_loss') ?? null;
  const info = eventCodeInfo(code);
  if (info?.kind !== 'fault') return null;
  return {
    type: `fault_${code}`,
    severity: 'major',
    nameZh: info.nameZh,
    nameEn: info.nameEn,
    needsRescue: false,
    autoClear: true,
    stopsService: true,
  };
}

export function alarmTypeInfo(type: string): AlarmTypeInfo | null {
  const known = BY_TYPE.get(type);
  if (known) return known;
  return type.startsWith('fault_') ? alarmTypeForCode(type.slice('fault_'.length)) : null;
}

/** Alarm types that take the car out of service (device faults `fault_*` too). */
export const SERVICE_STOPPING_TYPES: readonly string[] = ALARM_TYPES.filter((t) => t.stopsService).map(
  (t) => t.type,
);
