import {
  addDays,
  addMonths,
  addMonthsToMonth,
  daysBetween,
  daysInMonth,
  lastDayOfMonth,
  monthsBetween,
} from './date-math';

describe('calendar date arithmetic', () => {
  it('should add days across month and leap-year ends', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('should count days between dates', () => {
    expect(daysBetween('2026-01-01', '2026-01-16')).toBe(15);
    expect(daysBetween('2026-01-16', '2026-01-01')).toBe(-15);
    expect(daysBetween('2024-02-01', '2024-03-01')).toBe(29);
  });

  it('should add months to dates, clamping to the month end', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2026-11-15', 3)).toBe('2027-02-15');
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
  });

  it('should do month-label arithmetic', () => {
    expect(addMonthsToMonth('2019-03', 12)).toBe('2020-03');
    expect(addMonthsToMonth('2026-11', 2)).toBe('2027-01');
    expect(addMonthsToMonth('2026-01', -1)).toBe('2025-12');
    expect(monthsBetween('2019-03', '2026-11')).toBe(92);
    expect(daysInMonth('2026-11')).toBe(30);
    expect(lastDayOfMonth('2024-02')).toBe('2024-02-29');
  });
});
