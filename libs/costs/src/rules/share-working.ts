import { type SplitFlat, type SplitScheme } from './split-scheme';

/**
 * How one flat's share of a month's total was worked out, as numbers an owner can check by hand:
 * floor coefficient ÷ the sum of the coefficients = the floor's share; the flat's area ÷ the
 * floor's area = its part of the floor; × the total = its amount — then rounded to the fen so the
 * shares add up exactly (largest remainder: some flats carry one fen more). Pure.
 */
export type ShareWorking =
  | {
      kind: 'floor_coefficient';
      /** thousandths */
      coefficient: number;
      coefficientSum: number;
      flatAreaM2: number;
      floorAreaM2: number;
      totalFen: number;
      /** total × coefficient ÷ sum × area ÷ floor area, before rounding (fen, 2 decimals) */
      exactFen: number;
      flatFen: number;
    }
  | {
      kind: 'area';
      flatAreaM2: number;
      totalAreaM2: number;
      totalFen: number;
      exactFen: number;
      flatFen: number;
    }
  | {
      kind: 'coefficient_area';
      coefficient: number;
      flatAreaM2: number;
      /** Σ coefficient × area over the paying flats (thousandths × m²) */
      weightSum: number;
      totalFen: number;
      exactFen: number;
      flatFen: number;
    }
  | { kind: 'custom_percent'; basisPoints: number; totalFen: number; exactFen: number; flatFen: number }
  | { kind: 'exempt'; flatFen: number }
  | { kind: 'compensated'; compensationFen: number; flatFen: number };

const round2 = (x: number): number => Math.round(x * 100) / 100;

export function shareWorking(
  scheme: SplitScheme,
  flats: readonly SplitFlat[],
  flatId: string,
  totalFen: number,
  flatFen: number,
): ShareWorking | null {
  const flat = flats.find((f) => f.flatId === flatId);
  if (!flat) return null;
  const exempt = new Set(scheme.exemptFlatIds ?? []);
  if (exempt.has(flatId)) return { kind: 'exempt', flatFen };
  const comp = scheme.groundFloorCompensationFen ?? 0;
  if (comp > 0 && flat.floor === 1) return { kind: 'compensated', compensationFen: comp, flatFen };
  const paying = flats.filter((f) => !exempt.has(f.flatId) && !(comp > 0 && f.floor === 1));
  // what the paying flats carry: the total plus the compensation paid out to the ground floor
  const carried =
    totalFen + comp * flats.filter((f) => f.floor === 1 && !exempt.has(f.flatId) && comp > 0).length;
  const coef = (floor: number): number => scheme.floorCoefficients?.[String(floor)] ?? 0;
  switch (scheme.kind) {
    case 'floor_coefficient': {
      const floors = [...new Set(paying.map((f) => f.floor))];
      const coefficientSum = floors.reduce((a, f) => a + coef(f), 0);
      const floorAreaM2 = paying.filter((f) => f.floor === flat.floor).reduce((a, f) => a + f.areaM2, 0);
      const exact =
        coefficientSum === 0 || floorAreaM2 === 0
          ? 0
          : (carried * coef(flat.floor) * flat.areaM2) / (coefficientSum * floorAreaM2);
      return {
        kind: 'floor_coefficient',
        coefficient: coef(flat.floor),
        coefficientSum,
        flatAreaM2: flat.areaM2,
        floorAreaM2: round2(floorAreaM2),
        totalFen: carried,
        exactFen: round2(exact),
        flatFen,
      };
    }
    case 'area': {
      const totalAreaM2 = paying.reduce((a, f) => a + f.areaM2, 0);
      return {
        kind: 'area',
        flatAreaM2: flat.areaM2,
        totalAreaM2: round2(totalAreaM2),
        totalFen: carried,
        exactFen: round2(totalAreaM2 === 0 ? 0 : (carried * flat.areaM2) / totalAreaM2),
        flatFen,
      };
    }
    case 'coefficient_area': {
      const weightSum = paying.reduce((a, f) => a + coef(f.floor) * f.areaM2, 0);
      return {
        kind: 'coefficient_area',
        coefficient: coef(flat.floor),
        flatAreaM2: flat.areaM2,
        weightSum: round2(weightSum),
        totalFen: carried,
        exactFen: round2(weightSum === 0 ? 0 : (carried * coef(flat.floor) * flat.areaM2) / weightSum),
        flatFen,
      };
    }
    case 'custom_percent': {
      const bp = scheme.customBasisPoints?.[flatId] ?? 0;
      return {
        kind: 'custom_percent',
        basisPoints: bp,
        totalFen,
        exactFen: round2((totalFen * bp) / 10_000),
        flatFen,
      };
    }
  }
}
