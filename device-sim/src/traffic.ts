/**
 * Residential traffic of a 6–9 storey building unit (local time of the building):
 * a morning down peak (people leaving), an evening up peak (coming home), quiet nights.
 * Returns calls per hour and the share of calls that go down to the ground floor.
 */
export interface TrafficAtHour {
  callsPerHour: number;
  /** probability that a call is a trip down to floor 1 (else up from floor 1, or between floors) */
  downShare: number;
  upShare: number;
}

export function trafficAt(hourOfDay: number): TrafficAtHour {
  const h = ((hourOfDay % 24) + 24) % 24;
  if (h >= 7 && h < 9) return { callsPerHour: 36, downShare: 0.8, upShare: 0.1 };
  if (h >= 17 && h < 20) return { callsPerHour: 30, downShare: 0.15, upShare: 0.75 };
  if (h >= 23 || h < 6) return { callsPerHour: 1.5, downShare: 0.4, upShare: 0.4 };
  if (h >= 11 && h < 13) return { callsPerHour: 16, downShare: 0.45, upShare: 0.45 };
  return { callsPerHour: 10, downShare: 0.45, upShare: 0.4 };
}

/** Hour of day (0–23) of an instant in China Standard Time (UTC+8, no DST). */
export function chinaHour(epochMs: number): number {
  return new Date(epochMs + 8 * 3_600_000).getUTCHours();
}
