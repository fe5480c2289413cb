import { daysBetween } from '@liftwatch/calendar';
import { type LevelIntervals } from './levels';
import { levelDues, projectVisits } from './maintenance-plan';

const STANDARD: LevelIntervals = {
  half_month: { unit: 'day', count: 15 },
  quarterly: { unit: 'month', count: 3 },
  half_year: { unit: 'month', count: 6 },
  annual: { unit: 'month', count: 12 },
};
const ON_DEMAND: LevelIntervals = { ...STANDARD, half_month: { unit: 'month', count: 1 } };

describe('maintenance plan', () => {
  it('should make the first half-month visit due 15 days after the contract starts', () => {
    const dues = levelDues(STANDARD, '2026-11-01', [], '2026-11-10');
    expect(dues.map((d) => [d.level, d.dueOn, d.status])).toEqual([
      ['half_month', '2026-11-16', 'ok'],
      ['quarterly', '2027-02-01', 'ok'],
      ['half_year', '2027-05-01', 'ok'],
      ['annual', '2027-11-01', 'ok'],
    ]);
  });

  it('should count a higher-level visit for the lower levels, not the other way round', () => {
    const dues = levelDues(
      STANDARD,
      '2026-01-01',
      [
        { level: 'quarterly', date: '2026-10-01' },
        { level: 'half_month', date: '2026-11-05' },
      ],
      '2026-11-10',
    );
    expect(dues[0]).toMatchObject({ lastDoneOn: '2026-11-05', dueOn: '2026-11-20' });
    expect(dues[1]).toMatchObject({ lastDoneOn: '2026-10-01', dueOn: '2027-01-01' });
    expect(dues[2]).toMatchObject({ lastDoneOn: null, dueOn: '2026-07-01', status: 'overdue' });
  });

  it('should flag overdue only after the due day and due-soon within the warning window', () => {
    const visits = [{ level: 'annual' as const, date: '2026-11-01' }];
    const at = (today: string) => levelDues(STANDARD, '2026-01-01', visits, today)[0];
    expect(at('2026-11-12')).toMatchObject({ status: 'ok', daysLeft: 4 });
    expect(at('2026-11-13')).toMatchObject({ status: 'due_soon', daysLeft: 3 });
    expect(at('2026-11-16')).toMatchObject({ status: 'due_soon', daysLeft: 0 });
    expect(levelDues(STANDARD, '2026-01-01', visits, '2026-11-17')[0]).toMatchObject({
      status: 'overdue',
      daysLeft: -1,
    });
  });

  it('should plan a year of standard visits no more than 15 days apart with every level on time', () => {
    const plan = projectVisits(STANDARD, '2026-01-01', [], '2026-01-01', '2026-12-31');
    let previous = '2026-01-01';
    for (const v of plan) {
      expect(daysBetween(previous, v.date)).toBeLessThanOrEqual(15);
      previous = v.date;
    }
    expect(plan.length).toBeGreaterThanOrEqual(24);
    const levels = plan.map((v) => v.level);
    expect(levels.filter((l) => l !== 'half_month').length).toBeGreaterThanOrEqual(3);
    expect(levels).toContain('annual');
    // quarterly work never lapses by more than three months
    const quarterlyOrAbove = plan.filter((v) => v.level !== 'half_month').map((v) => v.date);
    let lastQ = '2026-01-01';
    for (const d of quarterlyOrAbove) {
      expect(daysBetween(lastQ, d)).toBeLessThanOrEqual(92);
      lastQ = d;
    }
  });

  it('should plan monthly visits under an on-demand policy', () => {
    const plan = projectVisits(ON_DEMAND, '2026-01-15', [], '2026-01-15', '2026-07-15');
    expect(plan.map((v) => v.date).slice(0, 3)).toEqual(['2026-02-15', '2026-03-15', '2026-04-15']);
    expect(plan.find((v) => v.date === '2026-04-15')?.level).toBe('quarterly');
  });

  it('should plan an overdue visit for today', () => {
    const plan = projectVisits(
      STANDARD,
      '2026-01-01',
      [{ level: 'annual', date: '2026-10-01' }],
      '2026-11-24',
      '2026-12-31',
    );
    expect(plan[0]).toEqual({ date: '2026-11-24', level: 'half_month', overdue: true });
    expect(daysBetween(plan[0].date, plan[1].date)).toBe(15);
  });
});
