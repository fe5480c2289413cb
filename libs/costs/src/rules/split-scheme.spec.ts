import fc from 'fast-check';
import { guangzhouCoefficients, type SplitFlat, splitByScheme } from './split-scheme';

/** A 7-floor unit, two flats a floor with mixed areas. */
const UNIT: SplitFlat[] = [];
const AREAS = [
  [60, 80],
  [60.5, 79.5],
  [72, 88],
  [65, 95],
  [70, 70],
  [58.25, 101.75],
  [90, 90],
];
AREAS.forEach(([a, b], i) => {
  UNIT.push({ flatId: `${i + 1}01`, floor: i + 1, areaM2: a });
  UNIT.push({ flatId: `${i + 1}02`, floor: i + 1, areaM2: b });
});

describe('split schemes', () => {
  it('should give the Guangzhou reference coefficients', () => {
    expect(guangzhouCoefficients(9)).toEqual({
      1: 0,
      2: 500,
      3: 1000,
      4: 1100,
      5: 1200,
      6: 1300,
      7: 1400,
      8: 1500,
      9: 1600,
    });
  });

  it('should split a 7-floor unit on the Guangzhou preset as a hand calculation does', () => {
    const scheme = { kind: 'floor_coefficient' as const, floorCoefficients: guangzhouCoefficients(7) };
    const total = 50_000_000; // CNY 500 000.00
    const parts = splitByScheme(scheme, UNIT, total);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
    // Σ coefficients = 0 + 0.5 + 1.0 + 1.1 + 1.2 + 1.3 + 1.4 = 6.5; floor f gets total × c_f / 6.5,
    // split on the floor by area.
    const floorShare = (c: number) => (total * c) / 6.5;
    const expected = [
      0,
      0,
      (floorShare(0.5) * 60.5) / 140,
      (floorShare(0.5) * 79.5) / 140,
      (floorShare(1.0) * 72) / 160,
      (floorShare(1.0) * 88) / 160,
      (floorShare(1.1) * 65) / 160,
      (floorShare(1.1) * 95) / 160,
      floorShare(1.2) / 2,
      floorShare(1.2) / 2,
      (floorShare(1.3) * 58.25) / 160,
      (floorShare(1.3) * 101.75) / 160,
      floorShare(1.4) / 2,
      floorShare(1.4) / 2,
    ];
    parts.forEach((p, i) => expect(Math.abs(p - expected[i])).toBeLessThan(1));
    expect(parts.slice(0, 2)).toEqual([0, 0]);
    expect(parts[8]).toBe(4_615_385);
  });

  it('should split by area, by coefficient × area and by agreed percentages', () => {
    const flats = UNIT.slice(0, 4);
    expect(splitByScheme({ kind: 'area' }, flats, 28000)).toEqual([6000, 8000, 6050, 7950]);
    const coefArea = splitByScheme(
      { kind: 'coefficient_area', floorCoefficients: { 1: 0, 2: 1000 } },
      flats,
      1000,
    );
    expect(coefArea).toEqual([0, 0, 432, 568]);
    const custom = splitByScheme(
      { kind: 'custom_percent', customBasisPoints: { '101': 1000, '102': 2000, '201': 3000, '202': 4000 } },
      flats,
      999,
    );
    expect(custom).toEqual([100, 200, 300, 399]);
    expect(() =>
      splitByScheme({ kind: 'custom_percent', customBasisPoints: { '101': 5000 } }, flats, 100),
    ).toThrow('custom percentages must add up to 100 %, they add up to 50 %');
  });

  it('should exempt flats and compensate the ground floor out of the others', () => {
    const flats = UNIT.slice(0, 6);
    const parts = splitByScheme(
      { kind: 'area', groundFloorCompensationFen: 10_000, exemptFlatIds: ['202'] },
      flats,
      100_000,
    );
    expect(parts[0]).toBe(-10_000);
    expect(parts[1]).toBe(-10_000);
    expect(parts[3]).toBe(0);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(100_000);
  });

  it('should always add up to the total on random units (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ floor: fc.integer({ min: 1, max: 9 }), area: fc.integer({ min: 3000, max: 20000 }) }),
          {
            minLength: 2,
            maxLength: 30,
          },
        ),
        fc.integer({ min: 0, max: 200_000_000 }),
        fc.constantFrom('floor_coefficient', 'area', 'coefficient_area'),
        (raw, total, kind) => {
          const flats = raw.map((r, i) => ({ flatId: `f${i}`, floor: r.floor, areaM2: r.area / 100 }));
          fc.pre(kind === 'area' || flats.some((f) => f.floor > 1));
          const parts = splitByScheme({ kind, floorCoefficients: guangzhouCoefficients(9) }, flats, total);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
          expect(parts.every((p) => Number.isInteger(p) && p >= 0)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
