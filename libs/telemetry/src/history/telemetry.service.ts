import { Inject, Injectable } from '@nestjs/common';
import { type Principal } from '@liftwatch/access';
import { businessDate } from '@liftwatch/calendar';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { InvalidInputError, type Page, pageOf } from '@liftwatch/contract';
import { ElevatorsService } from '@liftwatch/registry';
import { LiveState, LiveStateBus } from '../live/live-state';
import { type HistoryQueryDto, type RangeQueryDto } from './dto/telemetry-query.dto';
import { eventCodeInfo } from '../protocol/event-codes';
import { type EventView, type RollupRow, type SampleRow } from './dto/telemetry-view.dto';
import { TelemetryReadRepository } from './telemetry-read.repository';

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Reading an elevator's telemetry; visibility is the elevator's (404 outside the caller's scope). */
@Injectable()
export class TelemetryService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly elevators: ElevatorsService,
    private readonly repo: TelemetryReadRepository,
    private readonly bus: LiveStateBus,
  ) {}

  async state(p: Principal, elevatorId: string): Promise<LiveState> {
    await this.elevators.find(p, elevatorId);
    const [row] = await this.repo.liveStates([elevatorId]);
    const [state] = this.bus.enrich([row ? LiveState.of(row) : LiveState.none(elevatorId)]);
    return state;
  }

  async history(p: Principal, elevatorId: string, q: HistoryQueryDto): Promise<RollupRow[]> {
    await this.elevators.find(p, elevatorId);
    const to = q.to ? new Date(q.to) : new Date();
    const span = q.bucket === 'hour' ? DAY : 30 * DAY;
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - span);
    const max = q.bucket === 'hour' ? 31 * DAY : 400 * DAY;
    this.checkRange(from, to, max);
    if (q.bucket === 'hour') {
      return this.repo.hourly(elevatorId, new Date(from.getTime() - (from.getTime() % HOUR)), to);
    }
    const tz = this.config.businessTimeZone;
    return this.repo.daily(
      elevatorId,
      businessDate(from, tz),
      businessDate(new Date(to.getTime() + DAY - 1), tz),
    );
  }

  async samples(p: Principal, elevatorId: string, q: RangeQueryDto): Promise<Page<SampleRow>> {
    await this.elevators.find(p, elevatorId);
    const { from, to } = this.range(q, HOUR, 7 * DAY);
    const { rows, total } = await this.repo.samples(elevatorId, from, to, q.limit, q.offset);
    return pageOf(rows, total, q);
  }

  /** Device events, newest first, named from the catalogue. */
  async events(p: Principal, elevatorId: string, q: RangeQueryDto): Promise<Page<EventView>> {
    await this.elevators.find(p, elevatorId);
    const { from, to } = this.range(q, 30 * DAY, 400 * DAY);
    const { rows, total } = await this.repo.events(elevatorId, from, to, q.limit, q.offset);
    return pageOf(
      rows.map((e) => {
        const info = eventCodeInfo(e.code);
        return {
          ...e,
          nameZh: info?.nameZh ?? e.code,
          nameEn: info?.nameEn ?? e.code,
          kind: info?.kind ?? null,
        };
      }),
      total,
      q,
    );
  }

  private range(q: RangeQueryDto, span: number, max: number): { from: Date; to: Date } {
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - span);
    this.checkRange(from, to, max);
    return { from, to };
  }

  private checkRange(from: Date, to: Date, maxMs: number): void {
    if (from >= to) throw InvalidInputError.field('from', 'from must be before to');
    if (to.getTime() - from.getTime() > maxMs) {
      throw InvalidInputError.field('from', `the range may span at most ${Math.round(maxMs / DAY)} days`);
    }
  }
}
