import { electricityCost, validateTariff } from './tariff';

const TOU = {
  kind: 'time_of_use' as const,
  periods: [
    { name: 'valley', fromHour: 0, toHour: 8, priceCentifen: 3000 },
    { name: 'peak', fromHour: 8, toHour: 22, priceCentifen: 7000 },
    { name: 'valley_late', fromHour: 22, toHour: 24, priceCentifen: 3000 },
  ],
};

describe('electricity tariffs', () => {
  it('should price a flat tariff with one rounding at the end', () => {
    const r = electricityCost({ kind: 'flat', priceCentifen: 5883 }, [
      { hour: 1, milliKwh: 12_345 },
      { hour: 13, milliKwh: 87_655 },
    ]);
    expect(r).toMatchObject({ milliKwh: 100_000, fen: 5883 });
  });

  it('should price hours by time-of-use period', () => {
    const r = electricityCost(TOU, [
      { hour: 3, milliKwh: 10_000 },
      { hour: 9, milliKwh: 10_000 },
    ]);
    expect(r.fen).toBe(300 + 700);
    expect(r.byPeriod).toEqual({ valley: { milliKwh: 10_000 }, peak: { milliKwh: 10_000 } });
  });

  it('should refuse periods that leave hours uncovered or overlap', () => {
    expect(() =>
      validateTariff({
        kind: 'time_of_use',
        periods: [{ name: 'x', fromHour: 0, toHour: 23, priceCentifen: 1 }],
      }),
    ).toThrow();
    expect(() => validateTariff(TOU)).not.toThrow();
  });
});
