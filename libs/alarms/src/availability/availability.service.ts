import { Injectable } from '@nestjs/common';
import { type Principal } from '@liftwatch/access';
import { businessMonth, Clock } from '@liftwatch/calendar';
import { NotFoundError } from '@liftwatch/contract';
import { VisibilityRepository } from '@liftwatch/registry';
import { alarmTypeInfo } from '../alarm-types';
import { availabilityOf } from './availability';
import { type AvailabilityView, type OutageView } from './availability.dto';
import { AvailabilityRepository } from './availability.repository';

/** What owners ask first: was our elevator working this month, and if not, why. */
@Injectable()
export class AvailabilityService {
  constructor(
    private readonly repo: AvailabilityRepository,
    private readonly visibility: VisibilityRepository,
    private readonly clock: Clock,
  ) {}

  async month(p: Principal, elevatorId: string, month?: string): Promise<AvailabilityView> {
    if (!(await this.visibility.canSeeElevator(p, elevatorId)))
      throw new NotFoundError('Elevator', elevatorId);
    const now = this.clock.now();
    const m = month ?? businessMonth(now, this.clock.timeZone);
    const { from, to } = await this.repo.monthBounds(m, this.clock.timeZone);
    const rows = await this.repo.outages(elevatorId, from, to);
    const end = Math.min(to.getTime(), now.getTime());
    const outages: OutageView[] = rows.map((r) => {
      const info = alarmTypeInfo(r.type);
      const a = Math.max(r.first_seen_ts.getTime(), from.getTime());
      const b = Math.min(r.ended?.getTime() ?? end, end);
      return {
        alarmId: r.id,
        type: r.type,
        nameZh: info?.nameZh ?? r.type,
        nameEn: info?.nameEn ?? r.type,
        stopsService: r.type !== 'offline',
        from: r.first_seen_ts.toISOString(),
        to: r.ended?.toISOString() ?? null,
        seconds: Math.max(0, Math.round((b - a) / 1000)),
      };
    });
    const stretch = (r: (typeof rows)[number]) => ({
      from: r.first_seen_ts.getTime(),
      to: r.ended?.getTime() ?? null,
    });
    const figures = availabilityOf(
      from.getTime(),
      to.getTime(),
      now.getTime(),
      rows.filter((r) => r.type !== 'offline').map(stretch),
      rows.filter((r) => r.type === 'offline').map(stretch),
    );
    return {
      elevatorId,
      month: m,
      periodStart: from.toISOString(),
      periodEnd: to.toISOString(),
      ...figures,
      inServiceNow: !outages.some((o) => o.stopsService && o.to === null),
      outages,
    };
  }
}
