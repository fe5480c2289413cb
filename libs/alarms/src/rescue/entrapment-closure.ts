/**
 * When an entrapment may be closed by hand. Pure; the service supplies what the car's own data
 * says, the dispatcher's answer and the note.
 *
 * The car's data wins over a click: while the car still reports the entrapment condition (a
 * passenger aboard, stopped out of the door zone or with its doors closed — the condition the
 * rule detects, still held in rule_state), closing is refused unless the person closing states how
 * the passengers got out and writes a note; without any release seen in the car's data the way
 * out must be stated too. A false alarm is the closure "false report".
 */
export const RELEASE_METHODS = ['technician', 'firefighters', 'self_released', 'false_report'] as const;
export type ReleaseMethod = (typeof RELEASE_METHODS)[number];

/** A note shorter than this does not say anything about how people got out. */
export const MIN_RELEASE_NOTE = 4;

export interface ClosureFacts {
  action: 'resolve' | 'false-alarm';
  /** the car still reports the entrapment condition (held in rule_state) */
  carStillReports: boolean;
  /** the car's data showed the release (the condition ended after the alarm began) */
  releasedByDevice: boolean;
  releaseMethod?: ReleaseMethod;
  note?: string;
}

export type ClosureVerdict =
  | { ok: true; releaseMethod: ReleaseMethod | null; overridesCar: boolean }
  | {
      ok: false;
      code: 'STILL_TRAPPED' | 'RELEASE_METHOD_REQUIRED' | 'NOTE_REQUIRED' | 'RELEASE_METHOD_CONFLICT';
      field: 'releaseMethod' | 'note';
      message: string;
    };

export function entrapmentClosure(f: ClosureFacts): ClosureVerdict {
  if (f.action === 'false-alarm' && f.releaseMethod && f.releaseMethod !== 'false_report') {
    return {
      ok: false,
      code: 'RELEASE_METHOD_CONFLICT',
      field: 'releaseMethod',
      message: 'a false alarm is closed as false_report; use resolve for a rescue',
    };
  }
  const method = f.action === 'false-alarm' ? 'false_report' : (f.releaseMethod ?? null);
  const note = f.note?.trim() ?? '';
  if (f.carStillReports) {
    if (!method || (f.action === 'false-alarm' && !f.releaseMethod)) {
      return {
        ok: false,
        code: 'STILL_TRAPPED',
        field: 'releaseMethod',
        message:
          'the car still reports a passenger aboard, stopped out of the door zone or with its doors closed: say how the passengers got out (releaseMethod) and add a note',
      };
    }
    if (note.length < MIN_RELEASE_NOTE) {
      return {
        ok: false,
        code: 'NOTE_REQUIRED',
        field: 'note',
        message: `the car still reports a passenger aboard: a note of at least ${MIN_RELEASE_NOTE} characters must say what was seen`,
      };
    }
    return { ok: true, releaseMethod: method, overridesCar: true };
  }
  if (!f.releasedByDevice && !method) {
    return {
      ok: false,
      code: 'RELEASE_METHOD_REQUIRED',
      field: 'releaseMethod',
      message: 'the car’s data shows no release: say how the passengers got out (releaseMethod)',
    };
  }
  return { ok: true, releaseMethod: method, overridesCar: false };
}
