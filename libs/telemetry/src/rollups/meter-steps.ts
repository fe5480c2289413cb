/**
 * What an energy meter's readings say was consumed, step by step. Pure and table-tested; the
 * rollup job sums it per hour, and the spikes it finds are kept apart (meter anomalies) until a
 * person resolves them — so one glitch never reaches a bill.
 *
 * Readings are cumulative registers (kWh) in milli-kWh integers, so sums are exact. Each reading is
 * compared with the reference — the last reading that was not an outlier:
 *
 * - no reference → `baseline` (nothing consumed yet);
 * - another meter id → `replacement` (the new meter's first reading is its baseline);
 * - an increase the elevator could draw in the interval (rated power × hours + a resolution
 *   tolerance) → `normal`;
 * - a decrease: near a register's top (90 % of 10^4 … 10^7 kWh) and small past it → `rollover`
 *   (the wrap counted); small enough to be drawn since zero → `reset` (counted from zero);
 *   otherwise → `replacement` (an unannounced meter swap: a new baseline);
 * - a reading out of line with both neighbours (a dip or a jump the next reading undoes) →
 *   `outlier`: ignored, the reference stays;
 * - any other increase above what the rated power could draw → `spike`: nothing is counted unless a
 *   person accepted it (its full increase) or entered the reading it should have been (the
 *   difference to that) — `resolved` gives those counts by reading.
 */
export const METER_STEP_KINDS = [
  'baseline',
  'normal',
  'reset',
  'rollover',
  'replacement',
  'outlier',
  'spike',
] as const;
export type MeterStepKind = (typeof METER_STEP_KINDS)[number];

export interface MeterReading {
  ts: number;
  seq: number;
  /** milli-kWh */
  mkwh: number;
  meterId: string;
}

export interface MeterStep extends MeterReading {
  kind: MeterStepKind;
  /** milli-kWh counted for this step */
  counted: number;
  /** the reference reading it was compared with */
  prev: MeterReading | null;
  /** milli-kWh the rated power could draw since the reference */
  maxPlausible: number;
}

/** Registers wrap at one of these (kWh); a 5- to 8-digit counter. */
const REGISTER_TOPS_MKWH = [1e4, 1e5, 1e6, 1e7].map((k) => k * 1000);
/** A meter shows 0.01 kWh at best; readings round either way. */
export const METER_TOLERANCE_MKWH = 100;
/** Drawn when an elevator has no rated power on file: above what a retrofit elevator's drive takes. */
export const DEFAULT_MAX_DRAW_KW = 15;

export const readingKey = (r: Pick<MeterReading, 'ts' | 'seq'>): string => `${r.ts}:${r.seq}`;

function maxDraw(from: MeterReading, to: MeterReading, maxKw: number): number {
  const hours = Math.max(0, to.ts - from.ts) / 3_600_000;
  return Math.round(maxKw * hours * 1000) + METER_TOLERANCE_MKWH;
}

/** Whether `next` follows `ref` plausibly, as if the reading between them had not been there. */
function continues(ref: MeterReading, next: MeterReading | undefined, maxKw: number): boolean {
  if (!next || next.meterId !== ref.meterId) return false;
  const d = next.mkwh - ref.mkwh;
  return d >= 0 && d <= maxDraw(ref, next, maxKw);
}

/**
 * Classifies readings (sorted by time, then sequence). `resolved` maps a reading (readingKey) to
 * the milli-kWh a person decided it stands for.
 */
export function meterSteps(
  readings: readonly MeterReading[],
  maxKw: number,
  resolved: ReadonlyMap<string, number> = new Map(),
): MeterStep[] {
  const out: MeterStep[] = [];
  let ref: MeterReading | null = null;
  for (let i = 0; i < readings.length; i++) {
    const cur = readings[i];
    const next = readings[i + 1];
    if (!ref) {
      out.push({ ...cur, kind: 'baseline', counted: 0, prev: null, maxPlausible: 0 });
      ref = cur;
      continue;
    }
    const max = maxDraw(ref, cur, maxKw);
    const step = (kind: MeterStepKind, counted: number, keepRef = false): void => {
      out.push({ ...cur, kind, counted, prev: ref, maxPlausible: max });
      if (!keepRef) ref = cur;
    };
    if (cur.meterId !== ref.meterId) {
      step('replacement', 0);
      continue;
    }
    const d = cur.mkwh - ref.mkwh;
    if (d >= 0 && d <= max) {
      step('normal', d);
      continue;
    }
    // out of line, and the next reading carries on from the reference as if it were not there
    if (continues(ref, next, maxKw)) {
      step('outlier', 0, true);
      continue;
    }
    if (d > max) {
      step('spike', resolved.get(readingKey(cur)) ?? 0);
      continue;
    }
    const top = REGISTER_TOPS_MKWH.find((t) => ref !== null && ref.mkwh < t && ref.mkwh >= t * 0.9);
    if (top !== undefined && top - ref.mkwh + cur.mkwh <= max) {
      step('rollover', top - ref.mkwh + cur.mkwh);
      continue;
    }
    if (cur.mkwh <= max) step('reset', cur.mkwh);
    else step('replacement', 0);
  }
  return out;
}
