/**
 * Fault and event codes a controller reports (GB/T 24476-2017 style as used by regional platforms,
 * plus the retrofit sensor kits' own). Kept as data; the alarm rules build on this table.
 * The numeric codes are unconfirmed against the standard's own table (see domain notes).
 */
export type EventKind = 'fault' | 'event' | 'alarm_button';

export interface EventCodeInfo {
  code: string;
  kind: EventKind;
  nameZh: string;
  nameEn: string;
}

export const EVENT_CODES: readonly EventCodeInfo[] = [
  { code: '01', kind: 'fault', nameZh: '运行中安全回路断路', nameEn: 'Safety circuit broken while running' },
  { code: '02', kind: 'fault', nameZh: '关门故障', nameEn: 'Door fails to close' },
  { code: '03', kind: 'fault', nameZh: '开门故障', nameEn: 'Door fails to open' },
  {
    code: '04',
    kind: 'fault',
    nameZh: '轿厢在开锁区域外停止',
    nameEn: 'Car stopped outside the unlocking zone',
  },
  { code: '05', kind: 'fault', nameZh: '轿厢意外移动', nameEn: 'Unintended car movement' },
  { code: '06', kind: 'fault', nameZh: '电动机运转时间限制器动作', nameEn: 'Motor run-time limiter tripped' },
  { code: '07', kind: 'fault', nameZh: '楼层位置丢失', nameEn: 'Floor position lost' },
  { code: '08', kind: 'fault', nameZh: '其他阻止电梯再启动的故障', nameEn: 'Fault preventing restart' },
  { code: '09', kind: 'fault', nameZh: '冲顶', nameEn: 'Overrun top' },
  { code: '10', kind: 'fault', nameZh: '蹲底', nameEn: 'Overrun bottom' },
  { code: '11', kind: 'fault', nameZh: '困人', nameEn: 'Entrapment' },
  { code: '40', kind: 'event', nameZh: '恢复正常运行', nameEn: 'Back to normal service' },
  { code: '41', kind: 'event', nameZh: '主电源断电', nameEn: 'Mains power lost' },
  { code: '42', kind: 'event', nameZh: '停止服务', nameEn: 'Out of service' },
  { code: '43', kind: 'event', nameZh: '检修状态', nameEn: 'Inspection mode' },
  { code: '44', kind: 'event', nameZh: '消防返回', nameEn: 'Fire return' },
  { code: '45', kind: 'event', nameZh: '消防员操作', nameEn: 'Firefighter mode' },
  { code: '46', kind: 'event', nameZh: '应急电源运行', nameEn: 'Emergency power' },
  { code: '47', kind: 'event', nameZh: '地震运行', nameEn: 'Earthquake mode' },
  { code: '90', kind: 'alarm_button', nameZh: '乘客按下报警按钮', nameEn: 'Alarm button pressed' },
  { code: 'OVERSPEED', kind: 'fault', nameZh: '超速', nameEn: 'Overspeed' },
  { code: 'DOOR_OPEN_RUNNING', kind: 'fault', nameZh: '运行中开门', nameEn: 'Door opens while running' },
  { code: 'MOVING_DOOR_OPEN', kind: 'fault', nameZh: '开门走梯', nameEn: 'Moving with door open' },
  { code: 'TRAPPED_AT_FLOOR', kind: 'fault', nameZh: '平层困人', nameEn: 'Trapped at floor level' },
  { code: 'TRAPPED_BETWEEN_FLOORS', kind: 'fault', nameZh: '非平层困人', nameEn: 'Trapped between floors' },
  { code: 'DOOR_LOCK_OPEN', kind: 'fault', nameZh: '门锁回路断开', nameEn: 'Door-lock circuit open' },
  { code: 'STUCK_BUTTON', kind: 'fault', nameZh: '按钮卡阻', nameEn: 'Stuck button' },
];

const BY_CODE = new Map(EVENT_CODES.map((c) => [c.code, c]));

export function eventCodeInfo(code: string): EventCodeInfo | undefined {
  return BY_CODE.get(code);
}

/** Codes counted as faults in rollups and fault-rate reports. */
export const FAULT_CODES: readonly string[] = EVENT_CODES.filter((c) => c.kind === 'fault').map(
  (c) => c.code,
);
