import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { type AlarmRow, type TimelineRow } from './alarm.repository';
import { alarmTypeInfo } from './alarm-types';

export class AlarmView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) elevatorId!: string;
  @ApiProperty({ example: 'entrapment' }) type!: string;
  @ApiProperty() nameZh!: string;
  @ApiProperty() nameEn!: string;
  @ApiProperty({ enum: ['critical', 'major', 'minor'] }) severity!: string;
  @ApiProperty({ enum: ['open', 'acknowledged', 'dispatched', 'on_site', 'resolved', 'false_alarm'] })
  status!: string;
  @ApiProperty({ enum: ['device', 'rule'] }) source!: string;
  @ApiProperty() openedAt!: string;
  @ApiProperty({ description: 'device time of the first report' }) firstSeenTs!: string;
  @ApiProperty({ description: 'device time of the latest report' }) lastSeenTs!: string;
  @ApiProperty({ description: 'reports of this condition while the alarm was open' }) reportCount!: number;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'device time the condition ended (entrapment: release)',
  })
  conditionClearedTs!: string | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'entrapment: release − start, from device timestamps',
  })
  trappedSeconds!: number | null;
  @ApiProperty({ nullable: true, type: String }) rescueDeadline!: string | null;
  @ApiProperty({ description: '0 none, 1 deadline near, 2 deadline passed' }) escalationLevel!: number;
  @ApiProperty({ nullable: true, type: String }) closedAt!: string | null;

  static of(r: AlarmRow): AlarmView {
    const info = alarmTypeInfo(r.type);
    const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
    return {
      id: r.id,
      elevatorId: r.elevator_id,
      type: r.type,
      nameZh: info?.nameZh ?? r.type,
      nameEn: info?.nameEn ?? r.type,
      severity: r.severity,
      status: r.status,
      source: r.source,
      openedAt: r.opened_at.toISOString(),
      firstSeenTs: r.first_seen_ts.toISOString(),
      lastSeenTs: r.last_seen_ts.toISOString(),
      reportCount: r.report_count,
      conditionClearedTs: iso(r.condition_cleared_ts),
      trappedSeconds:
        r.type === 'entrapment' && r.condition_cleared_ts
          ? (r.condition_cleared_ts.getTime() - r.first_seen_ts.getTime()) / 1000
          : null,
      rescueDeadline: iso(r.rescue_deadline),
      escalationLevel: r.escalation_level,
      closedAt: iso(r.closed_at),
    };
  }
}

export class TimelineEntry {
  @ApiProperty() at!: string;
  @ApiProperty({ example: 'acknowledged' }) kind!: string;
  @ApiProperty() actor!: string;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty({ nullable: true, type: Object }) data!: Record<string, unknown> | null;

  static of(r: TimelineRow): TimelineEntry {
    return { at: r.at.toISOString(), kind: r.kind, actor: r.actor_username, note: r.note, data: r.data };
  }
}

export class AlarmDetail extends AlarmView {
  @ApiProperty({ type: [TimelineEntry] }) timeline!: TimelineEntry[];
}

/** Committed alarm changes, for dashboards (socket.io) and other subscribers, in process. */
@Injectable()
export class AlarmBus {
  private readonly emitter = new EventEmitter().setMaxListeners(100);

  publish(alarms: AlarmView[]): void {
    if (alarms.length > 0) this.emitter.emit('alarms', alarms);
  }

  subscribe(listener: (alarms: AlarmView[]) => void): () => void {
    this.emitter.on('alarms', listener);
    return () => this.emitter.off('alarms', listener);
  }
}
