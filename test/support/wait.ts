import { type Response } from 'superagent';
/**
 * How many times its stated budget a wait may take before it gives up (TEST_WAIT_SLACK, default 3):
 * the suite runs two files at once on two cores, and a busy machine must not fail a test. A wait
 * returns as soon as its condition holds; no test asserts on how long that took.
 */
export const SLACK = Math.max(1, Number(process.env.TEST_WAIT_SLACK ?? 3));

/** Polls `probe` until it returns a value that is not undefined/false, or fails after `timeoutMs` (× the slack). */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs * SLACK;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs * SLACK} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Reads one counter value from Prometheus text, 0 when absent. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((w) => line.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

/** A supertest body parser that keeps a binary response as one Buffer. */
export function binaryBody(res: Response, cb: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}
