/** Rollup of one hour or business day. */
export class RollupRow {
  /** start of the hour (ISO instant) or the business day (YYYY-MM-DD) */
  bucket!: string;
  trips!: number;
  runningSeconds!: number;
  doorCycles!: number;
  kwh!: number;
  faultCount!: number;
  samples!: number;
}

/** One status sample as the device reported it. */
export class SampleRow {
  ts!: string;
  seq!: number;
  running!: boolean;
  /** 0 none, 1 up, 2 down */
  direction!: number;
  floor!: number | null;
  doorZone!: boolean | null;
  doorClosed!: boolean | null;
  passenger!: boolean | null;
  /** 0 out of service, 1 normal, 2 inspection, 3 fire return, 4 firefighter, 5 emergency power, 6 earthquake, 7 unknown */
  mode!: number;
  speedMps!: number | null;
  loadKg!: number | null;
}

/** One device event (fault or state change), with its catalogue names. */
export class EventView {
  ts!: string;
  seq!: number;
  code!: string;
  /** set, clear or pulse */
  state!: string;
  /** the code's name in the catalogue (the code itself when unknown) */
  nameZh!: string;
  nameEn!: string;
  /** fault, event or alarm button */
  kind!: string | null;
  detail!: Record<string, unknown> | null;
}
