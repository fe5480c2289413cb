import { suggestEntrapmentPayout } from './payout';

const TIERS = [
  { minMinutes: 15, payoutFenPerPerson: 20000 },
  { minMinutes: 30, payoutFenPerPerson: 50000 },
];

describe('entrapment payout tiers', () => {
  it('should pick the ≥ 30 min tier for 32 minutes', () => {
    expect(suggestEntrapmentPayout(TIERS, 32 * 60, 2, null)).toMatchObject({
      trappedMinutes: 32,
      tier: { minMinutes: 30 },
      perPersonFen: 50000,
      totalFen: 100000,
    });
  });

  it('should include the bound: exactly 15 minutes is the 15 min tier, 14:59 is none', () => {
    expect(suggestEntrapmentPayout(TIERS, 15 * 60, 1, null).tier?.minMinutes).toBe(15);
    const below = suggestEntrapmentPayout(TIERS, 15 * 60 - 1, 1, null);
    expect(below.tier).toBeNull();
    expect(below.totalFen).toBe(0);
  });

  it('should assume one person and cap by the per-incident limit', () => {
    expect(suggestEntrapmentPayout(TIERS, 40 * 60, 0, null).totalFen).toBe(50000);
    expect(suggestEntrapmentPayout(TIERS, 40 * 60, 5, 120000)).toMatchObject({
      totalFen: 120000,
      cappedByLimitFen: 120000,
    });
  });
});
