/**
 * Alarm handling statuses used by regional platforms: occurred → responded → on site → done, or
 * false alarm. Here: open → acknowledged → dispatched → on_site → resolved, or false_alarm from
 * any open status. Steps may be skipped forward (a technician already nearby goes on site at once)
 * but never backwards.
 */
export const ALARM_STATUSES = [
  'open',
  'acknowledged',
  'dispatched',
  'on_site',
  'resolved',
  'false_alarm',
] as const;
export type AlarmStatus = (typeof ALARM_STATUSES)[number];

export const ALARM_ACTIONS = ['acknowledge', 'dispatch', 'on-site', 'resolve', 'false-alarm'] as const;
export type AlarmAction = (typeof ALARM_ACTIONS)[number];

const TARGET: Record<AlarmAction, AlarmStatus> = {
  acknowledge: 'acknowledged',
  dispatch: 'dispatched',
  'on-site': 'on_site',
  resolve: 'resolved',
  'false-alarm': 'false_alarm',
};

const RANK: Record<AlarmStatus, number> = {
  open: 0,
  acknowledged: 1,
  dispatched: 2,
  on_site: 3,
  resolved: 4,
  false_alarm: 4,
};

export function isClosed(status: AlarmStatus): boolean {
  return status === 'resolved' || status === 'false_alarm';
}

/** The status an action leads to, or why it is not allowed from `from`. */
export function transition(
  from: AlarmStatus,
  action: AlarmAction,
): { ok: true; to: AlarmStatus } | { ok: false; reason: string } {
  const to = TARGET[action];
  if (isClosed(from)) return { ok: false, reason: `the alarm is ${from} already` };
  if (RANK[to] <= RANK[from]) return { ok: false, reason: `cannot go from ${from} to ${to}` };
  return { ok: true, to };
}
