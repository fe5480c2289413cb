import { apportion, type Weight, weight } from './apportion';

/**
 * How a unit splits an amount between its flats, as data kept with the project agreement.
 * - `floor_coefficient`: each floor weighs its coefficient; flats on one floor split it by area
 *   (the Guangzhou practice);
 * - `area`: by exclusive area;
 * - `coefficient_area`: coefficient of the floor × area;
 * - `custom_percent`: agreed percentages per flat (basis points of 0.01 %, summing to 10 000).
 * Exempt flats pay nothing. A ground-floor compensation pays each flat on floor 1 a fixed amount,
 * carried by the others (it appears as a negative share).
 */
export type SchemeKind = 'floor_coefficient' | 'area' | 'coefficient_area' | 'custom_percent';

export interface SplitScheme {
  kind: SchemeKind;
  /** coefficient per floor in thousandths ("1": 0, "2": 500, "3": 1000 …); for the coefficient kinds */
  floorCoefficients?: Record<string, number>;
  /** for custom_percent: flat id → basis points */
  customBasisPoints?: Record<string, number>;
  exemptFlatIds?: string[];
  /** paid to each ground-floor flat, fen; only for construction splits */
  groundFloorCompensationFen?: number;
}

export interface SplitFlat {
  flatId: string;
  floor: number;
  areaM2: number;
}

/** Guangzhou reference: floor 1: 0, 2: 0.5, 3: 1.0, 4: 1.1, 5: 1.2, 6: 1.3, +0.1 per floor above. */
export function guangzhouCoefficients(floors: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let f = 1; f <= floors; f++) out[String(f)] = f === 1 ? 0 : f === 2 ? 500 : 1000 + (f - 3) * 100;
  return out;
}

export class SchemeError extends Error {}

const centi = (m2: number): bigint => BigInt(Math.round(m2 * 100));

/** The weight of each flat under the scheme, exact. */
export function schemeWeights(scheme: SplitScheme, flats: readonly SplitFlat[]): Weight[] {
  const exempt = new Set(scheme.exemptFlatIds ?? []);
  const coef = (floor: number): bigint => {
    const c = scheme.floorCoefficients?.[String(floor)];
    if (c === undefined) throw new SchemeError(`the scheme has no coefficient for floor ${floor}`);
    return BigInt(c);
  };
  const floorArea = new Map<number, bigint>();
  for (const f of flats)
    if (!exempt.has(f.flatId)) floorArea.set(f.floor, (floorArea.get(f.floor) ?? 0n) + centi(f.areaM2));
  if (scheme.kind === 'custom_percent') {
    const bp = scheme.customBasisPoints ?? {};
    const sum = flats.reduce((a, f) => a + (bp[f.flatId] ?? 0), 0);
    if (sum !== 10_000)
      throw new SchemeError(`custom percentages must add up to 100 %, they add up to ${sum / 100} %`);
  }
  return flats.map((f) => {
    if (exempt.has(f.flatId)) return weight(0);
    switch (scheme.kind) {
      case 'area':
        return weight(centi(f.areaM2));
      case 'coefficient_area':
        return weight(coef(f.floor) * centi(f.areaM2));
      case 'floor_coefficient': {
        const fa = floorArea.get(f.floor) ?? 1n;
        return weight(coef(f.floor) * centi(f.areaM2), fa === 0n ? 1n : fa);
      }
      case 'custom_percent':
        return weight(scheme.customBasisPoints?.[f.flatId] ?? 0);
    }
  });
}

/**
 * Splits `totalFen` between the flats. With a ground-floor compensation, floor-1 flats receive it
 * (negative amounts) and everyone else carries total + compensation. Always sums to `totalFen`.
 */
export function splitByScheme(scheme: SplitScheme, flats: readonly SplitFlat[], totalFen: number): number[] {
  const comp = scheme.groundFloorCompensationFen ?? 0;
  const compensated =
    comp > 0
      ? flats.map((f) => f.floor === 1 && !(scheme.exemptFlatIds ?? []).includes(f.flatId))
      : flats.map(() => false);
  const weights = schemeWeights(scheme, flats).map((w, i) => (compensated[i] ? weight(0) : w));
  const carried = totalFen + comp * compensated.filter(Boolean).length;
  const parts = apportion(carried, weights);
  return parts.map((p, i) => (compensated[i] ? -comp : p));
}
