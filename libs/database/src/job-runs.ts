import { type Logger } from '@nestjs/common';
import { type SchedulerRegistry } from '@nestjs/schedule';
import { type DataSource } from 'typeorm';

/**
 * Claims a run of a periodic job (`job`, `runKey`, e.g. a business day or month) in `job_runs`:
 * true for exactly one caller across all replicas, so the run happens once.
 */
export async function claimJobRun(ds: DataSource, job: string, runKey: string): Promise<boolean> {
  const rows = await ds.query<unknown[]>(
    `INSERT INTO job_runs (job, run_key) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING job`,
    [job, runKey],
  );
  return rows.length > 0;
}

export async function finishJobRun(
  ds: DataSource,
  job: string,
  runKey: string,
  result: object,
): Promise<void> {
  await ds.query(
    `UPDATE job_runs SET finished_at = now(), result = $3::jsonb WHERE job = $1 AND run_key = $2`,
    [job, runKey, JSON.stringify(result)],
  );
}

/**
 * Runs `job` every `ms` in this process (never two at once, failures logged), registered with the
 * scheduler so shutdown clears it. Returns a function that removes it.
 */
export function scheduleEvery(
  registry: SchedulerRegistry,
  name: string,
  ms: number,
  logger: Logger,
  job: () => Promise<unknown>,
): () => void {
  let busy = false;
  const handle = setInterval(() => {
    if (busy) return;
    busy = true;
    job()
      .catch((err: unknown) =>
        logger.warn(`${name} failed: ${err instanceof Error ? err.message : String(err)}`),
      )
      .finally(() => {
        busy = false;
      });
  }, ms);
  handle.unref();
  registry.addInterval(name, handle);
  return () => {
    if (registry.doesExist('interval', name)) registry.deleteInterval(name);
  };
}
