import { applyByDate, type InspectionReport, inspectionStatus, obligationKind } from './inspection-schedule';

const TSG_2023 = { inspectYears: [1, 4, 7, 9, 11, 13, 15], annualAfterYear: 15 };

function report(
  id: string,
  kind: InspectionReport['kind'],
  inspectedOn: string,
  result: InspectionReport['result'] = 'pass',
): InspectionReport {
  return { id, kind, inspectedOn, result, nextDueMonth: null };
}

describe('inspection schedule (TSG T7001-2023)', () => {
  it('should inspect in years 1, 4, 7, 9, 11, 13, 15 and every year after, self-test otherwise', () => {
    const kinds = Array.from({ length: 18 }, (_, i) => obligationKind(TSG_2023, i + 1));
    expect(kinds).toEqual([
      'periodic',
      'self_test',
      'self_test',
      'periodic',
      'self_test',
      'self_test',
      'periodic',
      'self_test',
      'periodic',
      'self_test',
      'periodic',
      'self_test',
      'periodic',
      'self_test',
      'periodic',
      'periodic',
      'periodic',
      'periodic',
    ]);
  });

  it('should schedule an elevator commissioned 2019-03 and find it on time with all reports filed', () => {
    const reports = [
      report('y1', 'periodic', '2020-03-10'),
      report('y2', 'self_test', '2021-03-02'),
      report('y3', 'self_test', '2022-02-20'),
      report('y4', 'periodic', '2023-03-15'),
      report('y5', 'self_test', '2024-03-01'),
      report('y6', 'self_test', '2025-03-05'),
      report('y7', 'periodic', '2026-03-11'),
    ];
    const s = inspectionStatus(TSG_2023, '2019-03', reports, '2026-11');
    expect(s.state).toBe('ok');
    expect(s.next).toMatchObject({ year: 8, kind: 'self_test', dueMonth: '2027-03', applyBy: '2027-02-28' });
    expect(s.schedule.slice(0, 9).map((o) => [o.year, o.kind, o.dueMonth, o.satisfiedBy])).toEqual([
      [1, 'periodic', '2020-03', 'y1'],
      [2, 'self_test', '2021-03', 'y2'],
      [3, 'self_test', '2022-03', 'y3'],
      [4, 'periodic', '2023-03', 'y4'],
      [5, 'self_test', '2024-03', 'y5'],
      [6, 'self_test', '2025-03', 'y6'],
      [7, 'periodic', '2026-03', 'y7'],
      [8, 'self_test', '2027-03', null],
      [9, 'periodic', '2028-03', null],
    ]);
  });

  it('should call it overdue once the due month has ended without a passing report', () => {
    const reports = [report('y6', 'self_test', '2025-03-05')];
    // no sequence before year 6 either: the first obligation is still open
    expect(inspectionStatus(TSG_2023, '2019-03', [], '2026-11')).toMatchObject({
      state: 'overdue',
      next: { year: 1, dueMonth: '2020-03' },
    });
    const stated = { ...reports[0], nextDueMonth: '2026-03' };
    expect(inspectionStatus(TSG_2023, '2019-03', [stated], '2026-03').state).toBe('due');
    expect(inspectionStatus(TSG_2023, '2019-03', [stated], '2026-04')).toMatchObject({
      state: 'overdue',
      next: { year: 7, kind: 'periodic', dueMonth: '2026-03' },
    });
  });

  it('should not let a self-test stand in for a periodic inspection', () => {
    const s = inspectionStatus(TSG_2023, '2019-03', [report('st', 'self_test', '2020-03-01')], '2020-05');
    expect(s.next).toMatchObject({ year: 1, kind: 'periodic' });
    expect(s.state).toBe('overdue');
  });

  it('should count a late inspection for the year it was due', () => {
    const s = inspectionStatus(TSG_2023, '2019-03', [report('late', 'periodic', '2020-10-20')], '2020-11');
    expect(s.schedule[0]?.satisfiedBy).toBe('late');
    expect(s.next).toMatchObject({ year: 2, dueMonth: '2021-03' });
  });

  it('should report a failed latest inspection as failed', () => {
    const reports = [
      report('ok', 'periodic', '2020-03-01'),
      report('bad', 'self_test', '2021-03-01', 'fail'),
    ];
    expect(inspectionStatus(TSG_2023, '2019-03', reports, '2021-03').state).toBe('failed');
  });

  it('should use the installation inspection as the base month', () => {
    const s = inspectionStatus(
      TSG_2023,
      '2019-01',
      [report('inst', 'installation', '2019-03-28')],
      '2019-12',
    );
    expect(s.baseMonth).toBe('2019-03');
    expect(s.next?.dueMonth).toBe('2020-03');
  });

  it('should put the apply-by date one month before the validity ends', () => {
    expect(applyByDate('2027-03')).toBe('2027-02-28');
    expect(applyByDate('2028-03')).toBe('2028-02-29');
    expect(applyByDate('2027-05')).toBe('2027-04-30');
  });

  it('should be unknown without a base month', () => {
    expect(inspectionStatus(TSG_2023, null, [], '2026-11').state).toBe('unknown');
  });
});
