/**
 * The statuses a dashboard shows per elevator, most urgent first. The rule that picks one (from the
 * live state and the open alarms) lives with the alarms; the list lives here, with the live state
 * that carries it.
 */
export const FLEET_STATUSES = [
  'trapped',
  'offline',
  'fault',
  'inspection',
  'out_of_service',
  'running',
  'idle',
] as const;
export type FleetStatus = (typeof FLEET_STATUSES)[number];
