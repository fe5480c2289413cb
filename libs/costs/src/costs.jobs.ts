import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { SYSTEM_PRINCIPAL } from '@liftwatch/access';
import { addMonthsToMonth, Clock } from '@liftwatch/calendar';
import { runJobOnce, scheduleEvery, Sql } from '@liftwatch/database';
import { StatementsService } from './statements/statements.service';

const JOB = 'monthly-statements';

/**
 * Issues last month's statements for every project in operation, once per business month: each
 * replica ticks hourly and the first to claim the month in `job_runs` does it (under a lease: if
 * that process dies, another takes the month over at its next tick).
 */
@Injectable()
export class CostsJobs implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CostsJobs.name);
  private stop: (() => void) | null = null;

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly sql: Sql,
    private readonly clock: Clock,
    private readonly statements: StatementsService,
  ) {}

  onApplicationBootstrap(): void {
    this.stop = scheduleEvery(this.registry, JOB, 3_600_000, this.logger, () =>
      this.run(addMonthsToMonth(this.clock.today().slice(0, 7), -1)),
    );
  }

  onModuleDestroy(): void {
    this.stop?.();
  }

  /** Issues `month` for every pending project; unless forced, only if no replica claimed it yet. */
  async run(month: string, force = false): Promise<{ month: string; issued: number; failed: number }> {
    const runKey = force ? `${month}#manual-${Date.now()}` : month;
    const done = await runJobOnce(this.sql.ds, JOB, runKey, async () => {
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
      return { issued, failed };
    });
    if (!done) return { month, issued: 0, failed: 0 };
    if (done.issued > 0) this.logger.log(`issued ${done.issued} statement(s) for ${month}`);
    return { month, ...done };
  }
}
