import { type StatusRow } from '@liftwatch/telemetry';

/**
 * The platform-side entrapment condition used in practice: the car is stopped outside the door
 * zone, or stopped with the doors closed, with a passenger inside. It becomes an entrapment when it
 * lasts (ALARM_ENTRAPMENT_SECONDS, 30 s by default) without the car moving.
 */
export function entrapmentCondition(
  s: Pick<StatusRow, 'running' | 'passenger' | 'doorZone' | 'doorClosed'>,
): boolean {
  return !s.running && s.passenger === true && (s.doorZone === false || s.doorClosed === true);
}

export interface ConditionRun {
  /** start of the condition still holding at the end of the samples, if any */
  holdingSince: number | null;
  /** device time of the last sample in that run */
  lastTs: number | null;
  /** device time at which a condition (begun here or earlier) was seen to end, if it did */
  endedAt: number | null;
  /**
   * Every run that ended within these samples, in order: when it began (null if before these
   * samples), its last sample holding the condition (null if none here) and when it ended. A whole
   * entrapment replayed from a device's buffer arrives as one such run.
   */
  ended: Array<{ since: number | null; lastTs: number | null; endedAt: number }>;
}

/**
 * Walks one elevator's samples in device-time order. `wasHolding` says whether a condition was
 * already running before these samples (kept in the database between batches).
 */
export function scanCondition(samples: readonly StatusRow[], wasHolding: boolean): ConditionRun {
  const sorted = [...samples].sort((a, b) => a.ts - b.ts || a.seq - b.seq);
  let holdingSince: number | null = null;
  let lastTs: number | null = null;
  let endedAt: number | null = null;
  let holding = wasHolding;
  let startSeen = !wasHolding;
  const ended: ConditionRun['ended'] = [];
  for (const s of sorted) {
    if (entrapmentCondition(s)) {
      if (holdingSince === null) holdingSince = s.ts;
      lastTs = s.ts;
      holding = true;
    } else if (holding) {
      endedAt = s.ts;
      ended.push({ since: startSeen ? holdingSince : null, lastTs, endedAt: s.ts });
      holdingSince = null;
      lastTs = null;
      holding = false;
      startSeen = true;
    }
  }
  return { holdingSince, lastTs, endedAt, ended };
}
