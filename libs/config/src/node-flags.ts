import { getHeapStatistics } from 'node:v8';

/**
 * The V8 flags every platform process is started with (`npm start`, the bench and topology
 * launchers, the container image's NODE_OPTIONS). Kept here once; a unit test checks that the
 * start scripts and the Dockerfile say the same. docs/operations.md, "Memory"; figures in
 * docs/benchmarks.md.
 *
 * - `--max-old-space-size=2000` (MiB): V8 lets the old generation grow to up to 4× what survived
 *   the last full collection when its limit is 2 GiB or more (the default on a machine with 16 GiB
 *   or more), and to at most ~2× below that. With 10 000 devices the platform's live heap is
 *   ~180 MiB: by default the heap grew to ~540 MiB of mostly garbage before each full collection
 *   (peak RSS ~600–650 MiB); with the cap, ~100 MiB less. Alone it cost ~5 % more CPU at 10 000
 *   devices (full collections twice as often).
 * - `--max-semi-space-size=32` (MiB, default 16): a young generation large enough that a batch's
 *   per-message objects die in it instead of being promoted while they wait for their commit, so
 *   the old generation fills, and is collected, more slowly. With the cap it took back that CPU.
 */
export const PLATFORM_NODE_FLAGS: readonly string[] = [
  '--max-old-space-size=2000',
  '--max-semi-space-size=32',
];

/**
 * V8's heap limit (`heap_size_limit`, default: this process's), in MiB, and whether it is the one
 * PLATFORM_NODE_FLAGS give: it is the old generation's limit plus the young generation's (3
 * semi-spaces) — 2 096 MiB with these flags, 4 144 MiB with Node's default on a machine with 16 GiB
 * or more.
 */
export function heapLimit(bytes = getHeapStatistics().heap_size_limit): {
  limitMiB: number;
  intended: boolean;
} {
  const limitMiB = Math.round(bytes / 1048576);
  return { limitMiB, intended: limitMiB < 2048 + 128 };
}
