/**
 * Which alarm is *the* incident a claim is about. Pure and table-tested.
 *
 * The alarm whose condition covers the stated incident time (began at or before it, not yet over
 * then); failing that, the one that began nearest before it within the tolerance; failing that,
 * the one that began nearest after it within the tolerance (a clock a little behind the car's).
 * For an entrapment claim only entrapments are candidates. Never the longest or the latest by
 * default: a claim for the 17:31 entrapment gets the 17:31 one, not a longer one at 17:36. Every
 * other alarm of the window is listed apart, labelled as not the incident.
 */
export interface CandidateAlarm {
  id: string;
  type: string;
  /** epoch ms, device time */
  start: number;
  /** epoch ms the condition ended, null while it lasted */
  end: number | null;
}

export type IncidentMatch = 'covers' | 'began_before' | 'began_after';

export interface IncidentChoice {
  alarmId: string | null;
  match: IncidentMatch | null;
  /** the other alarms of the window, in time order */
  others: string[];
}

/** How far from the stated time an alarm may begin and still be the incident. */
export const INCIDENT_TOLERANCE_MS = 30 * 60_000;

export function chooseIncidentAlarm(
  alarms: readonly CandidateAlarm[],
  incidentAt: number,
  incidentType: string,
  toleranceMs = INCIDENT_TOLERANCE_MS,
): IncidentChoice {
  const sorted = [...alarms].sort((a, b) => a.start - b.start || a.id.localeCompare(b.id));
  const candidates = incidentType === 'entrapment' ? sorted.filter((a) => a.type === 'entrapment') : sorted;
  const covering = candidates.filter((a) => a.start <= incidentAt && (a.end === null || a.end >= incidentAt));
  let pick: CandidateAlarm | undefined;
  let match: IncidentMatch | null = null;
  if (covering.length > 0) {
    // several at once: the one that began nearest before the stated time
    pick = covering[covering.length - 1];
    match = 'covers';
  } else {
    const before = candidates.filter((a) => a.start <= incidentAt && incidentAt - a.start <= toleranceMs);
    const after = candidates.filter((a) => a.start > incidentAt && a.start - incidentAt <= toleranceMs);
    if (before.length > 0) {
      pick = before[before.length - 1];
      match = 'began_before';
    } else if (after.length > 0) {
      pick = after[0];
      match = 'began_after';
    }
  }
  return {
    alarmId: pick?.id ?? null,
    match,
    others: sorted.filter((a) => a.id !== pick?.id).map((a) => a.id),
  };
}
