import { type Logger } from '@nestjs/common';
import { type SchedulerRegistry } from '@nestjs/schedule';
import { hostname } from 'node:os';
import { type DataSource } from 'typeorm';

const OWNER = `${hostname()}:${process.pid}`;

/**
 * Claims a run of a periodic job (`job`, `runKey`, e.g. a business day or month) in `job_runs`
 * for `leaseMs`: true for exactly one caller across all replicas. A run that was claimed but
 * whose lease ran out unfinished (its process died) can be claimed again.
 */
export async function claimJobRun(
  ds: DataSource,
  job: string,
  runKey: string,
  leaseMs: number,
): Promise<boolean> {
  const rows = await ds.query<unknown[]>(
    `INSERT INTO job_runs (job, run_key, lease_until, claimed_by)
     VALUES ($1, $2, now() + make_interval(secs => $3::float8 / 1000), $4)
     ON CONFLICT (job, run_key) DO UPDATE
        SET started_at = now(), lease_until = excluded.lease_until, claimed_by = excluded.claimed_by,
            attempts = job_runs.attempts + 1
      WHERE job_runs.finished_at IS NULL AND job_runs.lease_until IS NOT NULL AND job_runs.lease_until < now()
     RETURNING job`,
    [job, runKey, leaseMs, OWNER],
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
    `UPDATE job_runs SET finished_at = now(), lease_until = NULL, result = $3::jsonb, last_error = NULL
      WHERE job = $1 AND run_key = $2`,
    [job, runKey, JSON.stringify(result)],
  );
}

/**
 * Runs `work` as the one holder of (`job`, `runKey`), renewing the lease while it works; returns
 * null when another process holds or finished the run. A failure gives the lease back at once
 * (the next tick tries again) and is recorded, then rethrown.
 */
export async function runJobOnce<T extends object>(
  ds: DataSource,
  job: string,
  runKey: string,
  work: () => Promise<T>,
  leaseMs = 10 * 60_000,
): Promise<T | null> {
  if (!(await claimJobRun(ds, job, runKey, leaseMs))) return null;
  const renew = setInterval(
    () => {
      void ds
        .query(
          `UPDATE job_runs SET lease_until = now() + make_interval(secs => $3::float8 / 1000)
          WHERE job = $1 AND run_key = $2 AND finished_at IS NULL AND claimed_by = $4`,
          [job, runKey, leaseMs, OWNER],
        )
        .catch(() => undefined); // a renewal lost to a database blip is retried at the next interval
    },
    Math.max(1000, leaseMs / 3),
  );
  renew.unref();
  try {
    const result = await work();
    await finishJobRun(ds, job, runKey, result);
    return result;
  } catch (err) {
    await ds
      .query(`UPDATE job_runs SET lease_until = now(), last_error = $3 WHERE job = $1 AND run_key = $2`, [
        job,
        runKey,
        (err instanceof Error ? err.message : String(err)).slice(0, 2000),
      ])
      .catch(() => undefined);
    throw err;
  } finally {
    clearInterval(renew);
  }
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
