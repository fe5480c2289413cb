import { Injectable, Logger, type OnModuleInit, Optional } from '@nestjs/common';
import { ALARM_CHANNEL, LiveStateListener } from '@liftwatch/telemetry';
import { AlarmReadRepository } from './alarm-read.repository';
import { AlarmBus, AlarmView } from './alarm-view';

/**
 * In an api process without ingest: alarms raised or changed by ingest processes arrive as ids
 * on ALARM_CHANNEL; they are read back (committed) and pushed to this process's dashboards like
 * its own.
 */
@Injectable()
export class AlarmRelay implements OnModuleInit {
  private readonly logger = new Logger(AlarmRelay.name);

  constructor(
    private readonly reads: AlarmReadRepository,
    private readonly bus: AlarmBus,
    @Optional() private readonly listener?: LiveStateListener,
  ) {}

  onModuleInit(): void {
    this.listener?.listen(ALARM_CHANNEL, (payload) => {
      const ids = (JSON.parse(payload) as unknown[]).filter((v): v is string => typeof v === 'string');
      void this.reads
        .byIds(ids)
        .then((rows) =>
          this.bus.publish(
            rows.map((r) => AlarmView.of(r)),
            true,
          ),
        )
        .catch((err: unknown) =>
          this.logger.warn(`alarm relay: ${err instanceof Error ? err.message : String(err)}`),
        );
    });
  }
}
