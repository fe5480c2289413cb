import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { SYSTEM_PRINCIPAL } from '@liftwatch/access';
import { ContractsService } from './contracts/contracts.service';
import { MaintenanceRepository } from './maintenance.repository';
import { NotificationsService } from './notifications/notifications.service';

export interface DailyRunResult {
  day: string;
  ran: boolean;
  onDemandChecked: number;
  onDemandFailing: number;
  reminders: { created: number; considered: number };
}

const TICK_MS = 10 * 60_000;
const JOB = 'maintenance-daily';

/**
 * Once per business day: re-check on-demand contracts' entry conditions, then send due-date
 * reminders. Each replica ticks every ten minutes; the first to claim the day in `job_runs` runs it.
 */
@Injectable()
export class MaintenanceJobs implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MaintenanceJobs.name);
  private busy = false;

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly repo: MaintenanceRepository,
    private readonly contracts: ContractsService,
    private readonly notifications: NotificationsService,
  ) {}

  onApplicationBootstrap(): void {
    const handle = setInterval(() => void this.tick(), TICK_MS);
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
      await this.runDaily(false);
    } catch (err) {
      this.logger.warn(`${JOB} failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.busy = false;
    }
  }

  /** Runs today's job; unless forced, only if no replica has claimed today yet. */
  async runDaily(force: boolean): Promise<DailyRunResult> {
    const day = this.repo.today();
    const runKey = force ? `${day}#manual-${Date.now()}` : day;
    const claimed = await this.repo.query<{ job: string }>(
      `INSERT INTO job_runs (job, run_key) VALUES (:job, :runKey) ON CONFLICT DO NOTHING RETURNING job`,
      { job: JOB, runKey },
    );
    if (claimed.length === 0) {
      return {
        day,
        ran: false,
        onDemandChecked: 0,
        onDemandFailing: 0,
        reminders: { created: 0, considered: 0 },
      };
    }
    const checks = await this.contracts.recheckOnDemand(SYSTEM_PRINCIPAL, day);
    const reminders = await this.notifications.remind(day);
    const result: DailyRunResult = {
      day,
      ran: true,
      onDemandChecked: checks.length,
      onDemandFailing: checks.filter((c) => !c.passed).length,
      reminders,
    };
    await this.repo.query(
      `UPDATE job_runs SET finished_at = now(), result = CAST(:result AS jsonb) WHERE job = :job AND run_key = :runKey`,
      { job: JOB, runKey, result: JSON.stringify(result) },
    );
    return result;
  }
}
