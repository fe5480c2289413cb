import { shareWorking } from './share-working';
import { guangzhouCoefficients, type SplitFlat, splitByScheme } from './split-scheme';

/** The 7-floor unit of the statements tests: two flats a floor. */
const AREAS: Array<[number, number]> = [
  [60, 80],
  [60.5, 79.5],
  [72, 88],
  [65, 95],
  [70, 70],
  [58.25, 101.75],
  [90, 90],
];
const flats: SplitFlat[] = AREAS.flatMap(([a, b], i) => [
  { flatId: `${i + 1}01`, floor: i + 1, areaM2: a },
  { flatId: `${i + 1}02`, floor: i + 1, areaM2: b },
]);
const guangzhou = { kind: 'floor_coefficient' as const, floorCoefficients: guangzhouCoefficients(7) };

describe(shareWorking.name, () => {
  it('should show the working of a floor-coefficient share that an owner can redo by hand', () => {
    const total = 53_025; // ¥530.25
    const shares = splitByScheme(guangzhou, flats, total);
    const i = flats.findIndex((f) => f.flatId === '402');
    const w = shareWorking(guangzhou, flats, '402', total, shares[i]);
    // 1.1 ÷ 6.5 = 16.92 % of the month for floor 4; 95 m² of its 160 m² = 59.375 %
    // 530.25 × 1.1 ÷ 6.5 × 95 ÷ 160 = ¥53.2799…
    expect(w).toEqual({
      kind: 'floor_coefficient',
      coefficient: 1100,
      coefficientSum: 6500,
      flatAreaM2: 95,
      floorAreaM2: 160,
      totalFen: 53_025,
      exactFen: 5327.99,
      flatFen: shares[i],
    });
    expect(Math.abs(shares[i] - 5328)).toBeLessThanOrEqual(1);
  });

  it('should agree with the split for every flat to within the fen the rounding moves', () => {
    const total = 123_457;
    const shares = splitByScheme(guangzhou, flats, total);
    for (const [i, f] of flats.entries()) {
      const w = shareWorking(guangzhou, flats, f.flatId, total, shares[i]);
      expect(w && 'exactFen' in w ? Math.abs(w.exactFen - shares[i]) : 0).toBeLessThan(1);
    }
    expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
  });

  it('should say an exempt flat pays nothing, and a compensated ground floor what it receives', () => {
    const scheme = { ...guangzhou, exemptFlatIds: ['701'] };
    expect(shareWorking(scheme, flats, '701', 10_000, 0)).toEqual({ kind: 'exempt', flatFen: 0 });
    const comp = { ...guangzhou, groundFloorCompensationFen: 500 };
    expect(shareWorking(comp, flats, '101', 10_000, -500)).toEqual({
      kind: 'compensated',
      compensationFen: 500,
      flatFen: -500,
    });
    // the others carry the total plus the two compensations
    const w = shareWorking(comp, flats, '302', 10_000, 0);
    expect(w).toMatchObject({ kind: 'floor_coefficient', totalFen: 11_000 });
  });

  it('should show area and custom-percent splits', () => {
    expect(shareWorking({ kind: 'area' }, flats, '101', 100_000, 0)).toMatchObject({
      kind: 'area',
      flatAreaM2: 60,
      totalAreaM2: 1080,
      exactFen: 5555.56,
    });
    const bp = Object.fromEntries(flats.map((f) => [f.flatId, f.flatId === '101' ? 1000 : 9000 / 13]));
    expect(
      shareWorking({ kind: 'custom_percent', customBasisPoints: bp }, flats, '101', 100_000, 10_000),
    ).toMatchObject({
      kind: 'custom_percent',
      basisPoints: 1000,
      exactFen: 10_000,
    });
  });
});
