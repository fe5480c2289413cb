/** One stretch of time an alarm covered, in epoch milliseconds (`to` null: still open). */
export interface Stretch {
  from: number;
  to: number | null;
}

export interface AvailabilityFigures {
  /** the part of the period that has passed (up to now), seconds */
  elapsedSeconds: number;
  /** covered by at least one service-stopping alarm, seconds */
  outOfServiceSeconds: number;
  /** the device was offline and nothing stopped the car meanwhile: state not known, seconds */
  unknownSeconds: number;
  /**
   * share of the known time in service, 0..1, or null when nothing is known (the period has not
   * begun, or the device was offline throughout)
   */
  availability: number | null;
}

/** Clips stretches to [from, to) and merges overlaps; the result is sorted and disjoint. */
export function mergeStretches(
  stretches: readonly Stretch[],
  from: number,
  to: number,
): Array<[number, number]> {
  const clipped = stretches
    .map((s): [number, number] => [Math.max(s.from, from), Math.min(s.to ?? to, to)])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of clipped) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

const total = (xs: ReadonlyArray<[number, number]>): number => xs.reduce((n, [a, b]) => n + (b - a), 0);

/** Length of `xs` not covered by `cover` (both sorted and disjoint). */
function uncovered(xs: ReadonlyArray<[number, number]>, cover: ReadonlyArray<[number, number]>): number {
  let left = 0;
  for (const [a, b] of xs) {
    let len = b - a;
    for (const [c, d] of cover) len -= Math.max(0, Math.min(b, d) - Math.max(a, c));
    left += len;
  }
  return left;
}

/**
 * Availability over [periodStart, min(periodEnd, now)): the time no service-stopping alarm was
 * open, over the time whose state is known. Offline stretches count as unknown except where a
 * stopping alarm covers them too (a car trapped then losing its link is still out of service).
 * Overlapping alarms count once.
 */
export function availabilityOf(
  periodStart: number,
  periodEnd: number,
  now: number,
  stopping: readonly Stretch[],
  offline: readonly Stretch[],
): AvailabilityFigures {
  const end = Math.min(periodEnd, now);
  if (end <= periodStart)
    return { elapsedSeconds: 0, outOfServiceSeconds: 0, unknownSeconds: 0, availability: null };
  const down = mergeStretches(stopping, periodStart, end);
  const dark = mergeStretches(offline, periodStart, end);
  const elapsed = end - periodStart;
  const out = total(down);
  const unknown = uncovered(dark, down);
  const known = elapsed - unknown;
  return {
    elapsedSeconds: Math.round(elapsed / 1000),
    outOfServiceSeconds: Math.round(out / 1000),
    unknownSeconds: Math.round(unknown / 1000),
    availability: known > 0 ? (known - out) / known : null,
  };
}
