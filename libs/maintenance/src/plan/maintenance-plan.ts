import { daysBetween, maxDate } from '@liftwatch/calendar';
import { addInterval, type Level, type LevelIntervals, levelRank, LEVELS } from './levels';

/** A maintenance visit that happened: its level and business date (Asia/Shanghai). */
export interface Visit {
  level: Level;
  date: string;
}

export type DueStatus = 'ok' | 'due_soon' | 'overdue';

export interface LevelDue {
  level: Level;
  /** last visit covering this level (a visit of a higher level counts) */
  lastDoneOn: string | null;
  /** the last day this level may be done without being overdue */
  dueOn: string;
  /** negative when overdue */
  daysLeft: number;
  status: DueStatus;
}

export interface PlannedVisit {
  date: string;
  level: Level;
  /** true when the visit is already late on the day it is planned for */
  overdue: boolean;
}

function lastCovering(visits: readonly Visit[], level: Level): string | null {
  let last: string | null = null;
  for (const v of visits) {
    if (levelRank(v.level) >= levelRank(level) && (last === null || v.date > last)) last = v.date;
  }
  return last;
}

/**
 * When each level is next due. Before the first visit, the interval counts from the start of the
 * contract (a new contract's first half-month visit is due within 15 days of its start).
 */
export function levelDues(
  intervals: LevelIntervals,
  startsOn: string,
  visits: readonly Visit[],
  today: string,
  dueSoonDays = 3,
): LevelDue[] {
  return LEVELS.map((level) => {
    const lastDoneOn = lastCovering(visits, level);
    const dueOn = addInterval(lastDoneOn ? maxDate(lastDoneOn, startsOn) : startsOn, intervals[level]);
    const daysLeft = daysBetween(today, dueOn);
    const status: DueStatus = daysLeft < 0 ? 'overdue' : daysLeft <= dueSoonDays ? 'due_soon' : 'ok';
    return { level, lastDoneOn, dueOn, daysLeft, status };
  });
}

/**
 * The visits to plan from `from` to `until` (inclusive) so that no level goes overdue: each visit
 * is on the earliest due date, and takes the highest level that would fall due before the visit
 * after it (so a quarterly item due in ten days is done today rather than missed).
 */
export function projectVisits(
  intervals: LevelIntervals,
  startsOn: string,
  visits: readonly Visit[],
  from: string,
  until: string,
): PlannedVisit[] {
  const last = new Map<Level, string>();
  for (const level of LEVELS) {
    const d = lastCovering(visits, level);
    last.set(level, d ? maxDate(d, startsOn) : startsOn);
  }
  const due = (level: Level): string => addInterval(last.get(level) ?? startsOn, intervals[level]);
  const planned: PlannedVisit[] = [];
  // A plan is bounded by its window; the loop guard only protects against a zero interval.
  for (let guard = 0; guard < 10_000; guard += 1) {
    const earliest = LEVELS.map(due).reduce((a, b) => (a <= b ? a : b));
    const date = maxDate(earliest, from);
    if (date > until) break;
    const horizon = addInterval(date, intervals.half_month);
    let level: Level = 'half_month';
    for (const l of LEVELS) if (due(l) < horizon) level = l;
    planned.push({ date, level, overdue: earliest < from });
    for (const l of LEVELS) if (levelRank(l) <= levelRank(level)) last.set(l, date);
  }
  return planned;
}
