import { splitFlatMonth } from './month-shares';

describe('a flat’s monthly amount between owners by days', () => {
  it('should give 10/30 to the old owner and 20/30 to the new one for a transfer on the 11th', () => {
    const parts = splitFlatMonth(
      '2026-11',
      [
        { ownerId: 'old', sharePercent: 100, validFrom: '2015-01-01', validTo: '2026-11-11' },
        { ownerId: 'new', sharePercent: 100, validFrom: '2026-11-11', validTo: null },
      ],
      3000,
    );
    expect(parts).toEqual([
      { ownerId: 'old', fen: 1000, days: 10, sharePercent: 100, from: '2026-11-01', to: '2026-11-10' },
      { ownerId: 'new', fen: 2000, days: 20, sharePercent: 100, from: '2026-11-11', to: '2026-11-30' },
    ]);
  });

  it('should split co-owners by their share and keep the sum exact', () => {
    const parts = splitFlatMonth(
      '2026-02',
      [
        { ownerId: 'a', sharePercent: 50, validFrom: '2020-01-01', validTo: null },
        { ownerId: 'b', sharePercent: 50, validFrom: '2020-01-01', validTo: null },
      ],
      1001,
    );
    expect(parts.map((p) => p.fen)).toEqual([501, 500]);
  });

  it('should split negative amounts (compensation) the same way', () => {
    const parts = splitFlatMonth(
      '2026-11',
      [{ ownerId: 'a', sharePercent: 100, validFrom: '2020-01-01', validTo: null }],
      -500,
    );
    expect(parts[0]?.fen).toBe(-500);
  });
});
