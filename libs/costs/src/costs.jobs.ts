import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { SYSTEM_PRINCIPAL } from '@liftwatch/access';
import { addMonthsToMonth } from '@liftwatch/calendar';
import { MaintenanceRepository } from '@liftwatch/maintenance';
import { StatementsService } from './statements.service';

const JOB = 'monthly-statements';

/**
 * Issues last month's statements for every project in operation, once per business month: each
 * replica ticks hourly and the first to claim the month in `job_runs` does it.
 */
@Injectable()
export class CostsJobs implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CostsJobs.name);
  private busy = false;

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly repo: MaintenanceRepository,
    private readonly statements: StatementsService,
  ) {}

  onApplicationBootstrap(): void {
    const handle = setInterval(() => void this.tick(), 3_600_000);
    handle.unref();
    this.registry.addInterval(JOB, handle);
  }

  onModuleDestroy(): void {
    if (this.registry.doesExist('interval', JOB)) this.registry.deleteInterval(JOB);
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.run(addMonthsToMonth(this.repo.today().slice(0, 7), -1));
    } catch (err) {
      this.logger.warn(`${JOB} failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.busy = false;
    }
  }

  /** Issues `month` for every pending project; unless forced, only if no replica claimed it yet. */
  async run(month: string, force = false): Promise<{ month: string; issued: number; failed: number }> {
    const runKey = force ? `${month}#manual-${Date.now()}` : month;
    const claimed = await this.repo.query(
      `INSERT INTO job_runs (job, run_key) VALUES (:job, :runKey) ON CONFLICT DO NOTHING RETURNING job`,
      { job: JOB, runKey },
    );
    if (claimed.length === 0) return { month, issued: 0, failed: 0 };
    let issued = 0;
    let failed = 0;
    for (const id of await this.statements.pendingProjects(month)) {
      try {
        await this.statements.issue(SYSTEM_PRINCIPAL, id, month);
        issued++;
      } catch (err) {
        failed++;
        this.logger.warn(
          `statement ${month} for project ${id}: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
    await this.repo.query(
      `UPDATE job_runs SET finished_at = now(), result = CAST(:result AS jsonb) WHERE job = :job AND run_key = :runKey`,
      { job: JOB, runKey, result: JSON.stringify({ issued, failed }) },
    );
    if (issued > 0) this.logger.log(`issued ${issued} statement(s) for ${month}`);
    return { month, issued, failed };
  }
}
