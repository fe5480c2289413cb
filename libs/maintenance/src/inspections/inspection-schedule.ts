import { addMonths, addMonthsToMonth, lastDayOfMonth, monthsBetween } from '@liftwatch/calendar';

/** A per-region periodic-inspection policy (TSG T7001-2023 and province variants), as data. */
export interface InspectionPolicySchedule {
  /** years after the base month in which a periodic inspection is due */
  inspectYears: number[];
  /** after this many years, every year is a periodic inspection */
  annualAfterYear: number;
}

export type ObligationKind = 'periodic' | 'self_test';
export type InspectionKind = 'installation' | ObligationKind;
export type InspectionResult = 'pass' | 'pass_after_rectification' | 'fail';

export interface InspectionReport {
  id: string;
  kind: InspectionKind;
  inspectedOn: string;
  result: InspectionResult;
  /** the next inspection month printed on the certificate, when known */
  nextDueMonth: string | null;
}

export interface Obligation {
  year: number;
  kind: ObligationKind;
  dueMonth: string;
  satisfiedBy: string | null;
}

export type InspectionState = 'ok' | 'due' | 'overdue' | 'failed' | 'unknown';

export interface InspectionStatus {
  baseMonth: string | null;
  state: InspectionState;
  next: (Obligation & { applyBy: string }) | null;
  lastPassing: { id: string; kind: InspectionKind; inspectedOn: string } | null;
  schedule: Obligation[];
}

export function obligationKind(policy: InspectionPolicySchedule, year: number): ObligationKind {
  return year > policy.annualAfterYear || policy.inspectYears.includes(year) ? 'periodic' : 'self_test';
}

export function isPassing(result: InspectionResult): boolean {
  return result !== 'fail';
}

/** One month before the certificate's validity (the end of the due month) ends. */
export function applyByDate(dueMonth: string): string {
  return addMonths(lastDayOfMonth(dueMonth), -1);
}

/**
 * Where an elevator stands against its inspection policy. The base is the month the installation
 * inspection passed. Passing reports satisfy the obligations in order; a self-test never stands in
 * for a periodic inspection. A certificate's printed next-due month, when present on the latest
 * passing report, is authoritative. Overdue means the due month has ended with no passing report;
 * a failed latest report means the elevator must not be used until it passes.
 */
export function inspectionStatus(
  policy: InspectionPolicySchedule,
  baseMonth: string | null,
  reports: readonly InspectionReport[],
  currentMonth: string,
  horizonYears = 3,
): InspectionStatus {
  const sorted = [...reports].sort((a, b) => a.inspectedOn.localeCompare(b.inspectedOn));
  const installation = sorted.find((r) => r.kind === 'installation' && isPassing(r.result));
  const base = installation ? installation.inspectedOn.slice(0, 7) : baseMonth;
  const passing = sorted.filter((r) => r.kind !== 'installation' && isPassing(r.result));
  const lastPassingReport = [...sorted].reverse().find((r) => isPassing(r.result)) ?? null;
  const lastPassing = lastPassingReport
    ? { id: lastPassingReport.id, kind: lastPassingReport.kind, inspectedOn: lastPassingReport.inspectedOn }
    : null;
  if (!base) return { baseMonth: null, state: 'unknown', next: null, lastPassing, schedule: [] };

  const dueMonthOf = (year: number): string => addMonthsToMonth(base, 12 * year);
  const satisfied = new Map<number, string>();
  let lastYear = 0;
  for (const r of passing) {
    const pending = lastYear + 1;
    const month = r.inspectedOn.slice(0, 7);
    // a report more than a year ahead of the pending due month belongs to no obligation yet
    if (monthsBetween(month, dueMonthOf(pending)) >= 12) continue;
    if (obligationKind(policy, pending) === 'periodic' && r.kind !== 'periodic') continue;
    satisfied.set(pending, r.id);
    lastYear = pending;
  }

  let nextYear = lastYear + 1;
  if (lastPassingReport?.nextDueMonth) {
    const stated = Math.round(monthsBetween(base, lastPassingReport.nextDueMonth) / 12);
    nextYear = Math.max(1, stated);
  }
  const nextDueMonth =
    lastPassingReport?.nextDueMonth && lastPassingReport.kind !== 'installation'
      ? lastPassingReport.nextDueMonth
      : dueMonthOf(nextYear);
  const next = {
    year: nextYear,
    kind: obligationKind(policy, nextYear),
    dueMonth: nextDueMonth,
    satisfiedBy: null,
    applyBy: applyByDate(nextDueMonth),
  };

  const latest = sorted[sorted.length - 1];
  let state: InspectionState;
  if (latest && latest.kind !== 'installation' && !isPassing(latest.result)) state = 'failed';
  else if (currentMonth > next.dueMonth) state = 'overdue';
  else if (currentMonth >= addMonthsToMonth(next.dueMonth, -1)) state = 'due';
  else state = 'ok';

  const schedule: Obligation[] = [];
  const elapsedYears = Math.ceil(monthsBetween(base, currentMonth) / 12);
  for (let year = 1; year <= Math.max(nextYear, elapsedYears) + horizonYears; year += 1) {
    schedule.push({
      year,
      kind: obligationKind(policy, year),
      dueMonth: year === nextYear ? next.dueMonth : dueMonthOf(year),
      satisfiedBy: satisfied.get(year) ?? null,
    });
  }
  return { baseMonth: base, state, next, lastPassing, schedule };
}
