import { businessDate, businessMonth, isIsoDate } from './business-calendar';

describe('business calendar', () => {
  it('should put 16:30 UTC on the last day of a month into the next month in Shanghai', () => {
    const instant = new Date('2026-01-31T16:30:00Z');
    expect(businessDate(instant, 'Asia/Shanghai')).toBe('2026-02-01');
    expect(businessMonth(instant, 'Asia/Shanghai')).toBe('2026-02');
    expect(businessMonth(instant, 'UTC')).toBe('2026-01');
  });

  it('should keep 15:59 UTC on the same Shanghai day', () => {
    expect(businessDate(new Date('2026-03-10T15:59:59Z'), 'Asia/Shanghai')).toBe('2026-03-10');
  });

  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2023-02-30', false],
    ['2023-13-01', false],
    ['2023-1-01', false],
    ['2023-12-31', true],
    ['', false],
  ])('should judge %p as a date: %p', (value, expected) => {
    expect(isIsoDate(value)).toBe(expected);
  });
});
