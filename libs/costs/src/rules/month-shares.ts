import { addDays, daysBetween, daysInMonth } from '@liftwatch/calendar';
import { apportion, weight } from './apportion';

/** One owner's holding of a flat over a period (valid_to exclusive, null = open). */
export interface Holding {
  ownerId: string;
  sharePercent: number;
  validFrom: string;
  validTo: string | null;
}

export interface OwnerPart {
  ownerId: string;
  fen: number;
  /** days of the month this holding covered */
  days: number;
  sharePercent: number;
  from: string;
  to: string;
}

/**
 * Splits a flat's amount for a month between whoever owned it on which days: weight = days held ×
 * share percent. A transfer on the 11th of a 30-day month gives the old owner 10/30 and the new
 * owner 20/30. Days nobody owned (shouldn't happen) stay with the holdings present.
 */
export function splitFlatMonth(month: string, holdings: readonly Holding[], fen: number): OwnerPart[] {
  const first = `${month}-01`;
  const end = addDays(`${month}-${String(daysInMonth(month)).padStart(2, '0')}`, 1); // exclusive
  const parts = holdings
    .map((h) => {
      const from = h.validFrom > first ? h.validFrom : first;
      const to = h.validTo !== null && h.validTo < end ? h.validTo : end;
      return { h, from, to, days: Math.max(0, daysBetween(from, to)) };
    })
    .filter((p) => p.days > 0)
    .sort((a, b) => a.from.localeCompare(b.from) || a.h.ownerId.localeCompare(b.h.ownerId));
  if (parts.length === 0) return [];
  const amounts = apportion(
    Math.abs(fen),
    parts.map((p) => weight(BigInt(p.days) * BigInt(Math.round(p.h.sharePercent * 100)))),
  );
  return parts.map((p, i) => ({
    ownerId: p.h.ownerId,
    fen: fen < 0 ? -(amounts[i] ?? 0) : (amounts[i] ?? 0),
    days: p.days,
    sharePercent: p.h.sharePercent,
    from: p.from,
    to: addDays(p.to, -1),
  }));
}
