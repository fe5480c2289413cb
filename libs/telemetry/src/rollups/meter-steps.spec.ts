import { type MeterReading, meterSteps, readingKey } from './meter-steps';

const H = 3_600_000;
const T0 = Date.parse('2026-12-01T00:00:00+08:00');
/** Hourly readings of meter M1 (kWh values), from T0. */
const hourly = (...kwh: number[]): MeterReading[] =>
  kwh.map((k, i) => ({ ts: T0 + i * H, seq: i + 1, mkwh: Math.round(k * 1000), meterId: 'M1' }));
const kinds = (r: MeterReading[], maxKw = 15) => meterSteps(r, maxKw).map((s) => s.kind);
const total = (r: MeterReading[], maxKw = 15, resolved?: Map<string, number>): number =>
  meterSteps(r, maxKw, resolved).reduce((a, s) => a + s.counted, 0);

describe(meterSteps.name, () => {
  it('should count a normal day as the sum of its increases, exactly', () => {
    // 24 hourly steps of 0.3 kWh (a busy building) → 7.2 kWh, no float drift
    const day = hourly(...Array.from({ length: 25 }, (_, i) => 2000 + i * 0.3));
    expect(
      kinds(day)
        .slice(1)
        .every((k) => k === 'normal'),
    ).toBe(true);
    expect(total(day)).toBe(7200);
  });

  it('should count nothing for the first reading (a baseline)', () => {
    expect(meterSteps(hourly(2256.4), 15)).toEqual([
      expect.objectContaining({ kind: 'baseline', counted: 0 }),
    ]);
  });

  it('should keep a jump above what the rated power could draw out of the count until resolved', () => {
    // 1 h at 15 kW is at most 15 kWh: +2 256 kWh is a spike, and the register carries on from it
    const r = hourly(1000, 1000.3, 3256.7, 3257.0, 3257.4);
    expect(kinds(r)).toEqual(['baseline', 'normal', 'spike', 'normal', 'normal']);
    expect(total(r)).toBe(300 + 300 + 400);
    // accepted: the whole increase counts; corrected to 1000.6: the difference to that counts
    const spike = r[2];
    expect(total(r, 15, new Map([[readingKey(spike), 2256_400]]))).toBe(300 + 2256_400 + 700);
    expect(total(r, 15, new Map([[readingKey(spike), 300]]))).toBe(300 + 300 + 700);
  });

  it('should scale what is plausible with the interval and the rated power', () => {
    // 10 kWh in one hour: plausible at 15 kW, a spike at 7.5 kW
    const r = hourly(500, 510);
    expect(kinds(r, 15)).toEqual(['baseline', 'normal']);
    expect(kinds(r, 7.5)).toEqual(['baseline', 'spike']);
    // the same 10 kWh over two silent hours is plausible at 7.5 kW
    const gap: MeterReading[] = [
      { ts: T0, seq: 1, mkwh: 500_000, meterId: 'M1' },
      { ts: T0 + 2 * H, seq: 2, mkwh: 510_000, meterId: 'M1' },
    ];
    expect(kinds(gap, 7.5)).toEqual(['baseline', 'normal']);
  });

  it('should ignore a one-off glitch the next reading undoes, up or down', () => {
    const up = hourly(1000, 1000.3, 9999.9, 1000.9, 1001.2);
    expect(kinds(up)).toEqual(['baseline', 'normal', 'outlier', 'normal', 'normal']);
    expect(total(up)).toBe(300 + 600 + 300);
    const down = hourly(1000, 1000.3, 12.5, 1000.9);
    expect(kinds(down)).toEqual(['baseline', 'normal', 'outlier', 'normal']);
    expect(total(down)).toBe(900);
  });

  it('should count from zero after a register reset', () => {
    const r = hourly(1834.2, 1834.5, 0.2, 0.6);
    expect(kinds(r)).toEqual(['baseline', 'normal', 'reset', 'normal']);
    expect(total(r)).toBe(300 + 200 + 400);
  });

  it('should count across a register rollover', () => {
    const r = hourly(99999.5, 99999.9, 0.4, 0.8);
    expect(kinds(r)).toEqual(['baseline', 'normal', 'rollover', 'normal']);
    expect(total(r)).toBe(400 + 500 + 400);
  });

  it('should take another meter id as a replacement, and an unexplained fall as an unannounced one', () => {
    const swapped: MeterReading[] = [
      ...hourly(1500, 1500.4),
      { ts: T0 + 2 * H, seq: 3, mkwh: 12_000, meterId: 'M2' },
      { ts: T0 + 3 * H, seq: 4, mkwh: 12_300, meterId: 'M2' },
    ];
    expect(kinds(swapped)).toEqual(['baseline', 'normal', 'replacement', 'normal']);
    expect(total(swapped)).toBe(400 + 300);
    // a fall to 120 kWh that the next reading confirms: a new meter under the same id
    const fallen = hourly(1500, 1500.4, 120, 120.3);
    expect(kinds(fallen)).toEqual(['baseline', 'normal', 'replacement', 'normal']);
    expect(total(fallen)).toBe(400 + 300);
  });

  it('should never count a demo-style jump back in time as consumption', () => {
    // a reading "from the future" (2 256.9) arrives ahead of the live ones (2 256.5 …): out of line
    const r: MeterReading[] = [
      { ts: T0, seq: 1, mkwh: 2256_000, meterId: 'M1' },
      { ts: T0 + 60_000, seq: 2, mkwh: 2256_900, meterId: 'M1' },
      { ts: T0 + 120_000, seq: 3, mkwh: 2256_100, meterId: 'M1' },
      { ts: T0 + 180_000, seq: 4, mkwh: 2256_150, meterId: 'M1' },
    ];
    expect(total(r)).toBeLessThan(1000);
    expect(meterSteps(r, 15).some((s) => s.counted > 1000)).toBe(false);
  });
});
