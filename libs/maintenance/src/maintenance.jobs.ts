import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { SYSTEM_PRINCIPAL } from '@liftwatch/access';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { runJobOnce, scheduleEvery } from '@liftwatch/database';
import { ContractsService } from './contracts/contracts.service';
import { MaintenanceRepository } from './maintenance.repository';
import { NotificationsService } from './notifications/notifications.service';
import { RecordRepository } from './records/record.repository';
import { type DailyRunResult } from './maintenance.dto';

const TICK_MS = 10 * 60_000;
const JOB = 'maintenance-daily';

/**
 * Once per business day: re-check on-demand contracts' entry conditions, then send due-date
 * reminders. Each replica ticks every ten minutes; the first to claim the day in `job_runs` runs it.
 */
@Injectable()
export class MaintenanceJobs implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MaintenanceJobs.name);
  private stop: (() => void) | null = null;

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly repo: MaintenanceRepository,
    private readonly contracts: ContractsService,
    private readonly notifications: NotificationsService,
    private readonly records: RecordRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.stop = scheduleEvery(this.registry, JOB, TICK_MS, this.logger, () => this.runDaily(false));
  }

  onModuleDestroy(): void {
    this.stop?.();
  }

  /** Runs today's job; unless forced, only if no replica has claimed today yet. */
  async runDaily(force: boolean): Promise<DailyRunResult> {
    const day = this.repo.today();
    const runKey = force ? `${day}#manual-${Date.now()}` : day;
    const result = await runJobOnce(this.repo.ds, JOB, runKey, async (): Promise<DailyRunResult> => {
      const checks = await this.contracts.recheckOnDemand(SYSTEM_PRINCIPAL, day);
      const reminders = await this.notifications.remind(day);
      // No device data older than TELEMETRY_MAX_AGE_DAYS is accepted, so such visits are settled.
      const frozen = await this.records.freezeIotBefore(this.config.telemetry.maxAgeDays);
      return {
        day,
        ran: true,
        onDemandChecked: checks.length,
        onDemandFailing: checks.filter((c) => !c.passed).length,
        reminders,
        iotFrozen: frozen,
      };
    });
    return (
      result ?? {
        day,
        ran: false,
        onDemandChecked: 0,
        onDemandFailing: 0,
        reminders: { created: 0, considered: 0 },
        iotFrozen: 0,
      }
    );
  }
}
