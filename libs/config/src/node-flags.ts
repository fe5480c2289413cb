import { getHeapStatistics } from 'node:v8';

/**
 * The V8 flags every platform process is started with (`npm start`, the bench and topology
 * launchers, the container image's NODE_OPTIONS). Kept here once; a unit test checks that the
 * start scripts and the Dockerfile say the same.
 *
 * `--max-old-space-size=2000` (MiB): V8 lets the old generation grow to up to 4× what survived the
 * last full collection when its limit is 2 GiB or more (the default on a machine with 16 GiB or
 * more), and to at most ~2× below that. With 10 000 devices the platform's live heap is ~180 MiB:
 * by default the heap grew to ~540 MiB of mostly garbage before each full collection (peak RSS
 * 594–653 MiB), with this flag to ~300 MiB (peak RSS 468–516 MiB), for ~5 % more CPU per message
 * at 10 000 devices (full collections twice as often; none measurable at 200 devices).
 * Just below 2 GiB, not lower: V8 also sizes the young generation from this limit (limit / 128,
 * at most 16 MiB), and a smaller one promotes more short-lived batch data (1 536 measured ~10 %
 * more CPU at 200 devices × 50 msg/s). docs/operations.md, "Memory".
 */
export const PLATFORM_NODE_FLAGS: readonly string[] = ['--max-old-space-size=2000'];

/** The old generation's limit this process runs with, in MiB, and whether it is the intended one. */
export function heapLimit(): { limitMiB: number; intended: boolean } {
  const limitMiB = Math.round(getHeapStatistics().heap_size_limit / 1048576);
  // heap_size_limit is --max-old-space-size plus the young generation (48 MiB at 2 000)
  return { limitMiB, intended: limitMiB < 2096 };
}
