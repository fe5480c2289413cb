import { Foundation1764000000000 } from './1764000000000-foundation';
import { Telemetry1764100000000 } from './1764100000000-telemetry';

/** Every migration, in order. Listed explicitly so source (jest) and compiled runs see the same set. */
export const MIGRATIONS = [Foundation1764000000000, Telemetry1764100000000];
