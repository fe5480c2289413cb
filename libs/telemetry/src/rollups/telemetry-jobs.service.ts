import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '@liftwatch/calendar';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { FAULT_CODES } from '../protocol/event-codes';
import { DEFAULT_MAX_DRAW_KW, meterSteps } from './meter-steps';
import { MeterRepository } from './meter.repository';
import { type DirtyBucket, RollupRepository } from './rollup.repository';

/** Advisory-lock keys: one job runs at a time across all replicas sharing the database. */
const LOCK_ROLLUPS = 7_301_001;
const LOCK_PARTITIONS = 7_301_002;

function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Scheduled telemetry housekeeping: rollups and (plain PostgreSQL mode) daily partitions. */
@Injectable()
export class TelemetryJobsService {
  private readonly logger = new Logger(TelemetryJobsService.name);

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly rollups: RollupRepository,
    private readonly meters: MeterRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Creates the daily partitions that accepted data can fall into (from the oldest accepted
   * device time to three days ahead) and drops those past retention. Safe to run twice.
   */
  async maintainPartitions(): Promise<{ created: number; dropped: number }> {
    return this.ds.transaction(async (em) => {
      if (!(await this.rollups.tryLock(em, LOCK_PARTITIONS))) return { created: 0, dropped: 0 };
      const today = this.clock.today();
      const first = addDays(today, -this.config.telemetry.maxAgeDays - 1);
      const created = await this.rollups.ensurePartitions(em, first, addDays(today, 3));
      const keepFrom = addDays(today, -this.config.telemetry.retentionDays);
      const dropped = await this.rollups.dropPartitionsBefore(em, keepFrom < first ? keepFrom : first);
      const result = { created, dropped };
      if (result.created || result.dropped) {
        this.logger.log(`telemetry partitions: ${result.created} created, ${result.dropped} dropped`);
      }
      return result;
    });
  }

  /**
   * Recomputes the rollups of hours that received data. Returns how many hours were done.
   *
   * The marks are claimed (deleted) in a short transaction of their own and the recompute runs in
   * another: a claim held for the whole recompute made every ingest batch that marked one of
   * those hours wait for it (its `INSERT … ON CONFLICT DO NOTHING` waits on the deleted row) — the
   * p99 spikes of the ingest benchmark. One run at a time across replicas (a session advisory
   * lock on this connection); if the recompute fails, the claimed marks are put back.
   */
  async refreshRollups(maxBuckets = 5000): Promise<number> {
    const q = this.ds.createQueryRunner();
    await q.connect();
    let total = 0;
    try {
      if (!(await this.rollups.trySessionLock(q.manager, LOCK_ROLLUPS))) return 0;
      try {
        for (;;) {
          const buckets = await this.rollups.claimDirty(q.manager, 1000);
          if (buckets.length > 0) {
            await q.startTransaction();
            try {
              const mkwh = await this.energy(q.manager, buckets);
              await this.rollups.recomputeHourly(q.manager, buckets, FAULT_CODES, mkwh);
              await this.rollups.recomputeDaily(q.manager, buckets, this.config.businessTimeZone);
              await q.commitTransaction();
            } catch (err) {
              if (q.isTransactionActive) await q.rollbackTransaction().catch(() => undefined);
              await this.rollups.markDirty(q.manager, buckets).catch(() => undefined);
              throw err;
            }
          }
          total += buckets.length;
          if (buckets.length < 1000 || total >= maxBuckets) return total;
        }
      } finally {
        await this.rollups.sessionUnlock(q.manager, LOCK_ROLLUPS).catch(() => undefined);
      }
    } finally {
      await q.release();
    }
  }

  /**
   * The energy of each hour by the meter rule, in the recompute's transaction: readings around the
   * hour classified (meter-steps.ts) against the elevator's rated power, what people decided about
   * spikes applied, and the hour's anomalies recorded. Returns milli-kWh per bucket.
   */
  private async energy(em: EntityManager, buckets: DirtyBucket[]): Promise<number[]> {
    const ids = buckets.map((b) => b.elevatorId);
    // one connection: one query at a time
    const windows = await this.meters.windows(em, buckets);
    const power = await this.meters.ratedPower(em, ids);
    const resolved = await this.meters.resolutions(em, ids);
    const out: number[] = [];
    for (const w of windows) {
      const steps = meterSteps(
        w.readings,
        power.get(w.elevatorId) ?? DEFAULT_MAX_DRAW_KW,
        resolved.get(w.elevatorId),
      );
      const from = w.bucket.getTime();
      const inHour = steps.filter((s) => s.ts >= from && s.ts < from + 3_600_000);
      await this.meters.record(em, w.elevatorId, inHour);
      out.push(inHour.reduce((a, s) => a + s.counted, 0));
    }
    return out;
  }

  /**
   * At start-up: marks the current and previous hour of every elevator heard from in the last two
   * hours, so hours whose marks were claimed by a process that died before its recompute
   * committed are recomputed anyway.
   */
  async markRecentHours(): Promise<void> {
    await this.rollups.markRecentHours(this.ds.manager);
  }
}
