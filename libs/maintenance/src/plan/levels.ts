import { addDays, addMonths } from '@liftwatch/calendar';

/** TSG T5002 maintenance levels, lowest first. A visit of one level includes all lower levels. */
export const LEVELS = ['half_month', 'quarterly', 'half_year', 'annual'] as const;
export type Level = (typeof LEVELS)[number];

export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}

/** The longest allowed gap between two visits covering a level. */
export interface Interval {
  unit: 'day' | 'month';
  count: number;
}

export type LevelIntervals = Record<Level, Interval>;

/** The last day a level may be done when it was last done on `date`. */
export function addInterval(date: string, interval: Interval): string {
  return interval.unit === 'day' ? addDays(date, interval.count) : addMonths(date, interval.count);
}

export function isLevelIntervals(value: unknown): value is LevelIntervals {
  if (!value || typeof value !== 'object') return false;
  return LEVELS.every((l) => {
    const i = (value as Record<string, unknown>)[l] as Partial<Interval> | undefined;
    return (
      !!i &&
      (i.unit === 'day' || i.unit === 'month') &&
      typeof i.count === 'number' &&
      Number.isInteger(i.count) &&
      i.count > 0
    );
  });
}
