import fc from 'fast-check';
import { apportion, weight } from './apportion';

describe('largest-remainder apportionment', () => {
  it('should split 100 fen three ways as 34/33/33, the tie going to the first', () => {
    expect(apportion(100, [weight(1), weight(1), weight(1)])).toEqual([34, 33, 33]);
  });

  it('should handle fractional weights exactly', () => {
    expect(apportion(1000, [weight(1, 3), weight(2, 3)])).toEqual([333, 667]);
    expect(apportion(0, [weight(1), weight(2)])).toEqual([0, 0]);
  });

  it('should refuse nobody-to-pay and bad totals', () => {
    expect(() => apportion(100, [weight(0), weight(0)])).toThrow('all weights are zero');
    expect(() => apportion(-1, [weight(1)])).toThrow();
    expect(() => apportion(1.5, [weight(1)])).toThrow();
  });

  it('should always add up to the total, stay within one fen of each exact quota, and be deterministic', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.array(
          fc.record({ n: fc.integer({ min: 0, max: 1_000_000 }), d: fc.integer({ min: 1, max: 10_000 }) }),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        (total, raw) => {
          fc.pre(raw.some((w) => w.n > 0));
          const ws = raw.map((w) => weight(w.n, w.d));
          const parts = apportion(total, ws);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
          const sum = raw.reduce((a, w) => a + w.n / w.d, 0);
          parts.forEach((p, i) => {
            const quota = (total * (raw[i].n / raw[i].d)) / sum;
            expect(p).toBeGreaterThanOrEqual(Math.floor(quota - 1e-6));
            expect(p).toBeLessThanOrEqual(Math.ceil(quota + 1e-6));
            if (raw[i].n === 0) expect(p).toBe(0);
          });
          expect(apportion(total, ws)).toEqual(parts);
        },
      ),
      { numRuns: 300 },
    );
  });
});
