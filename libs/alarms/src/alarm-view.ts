import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { type AlarmRow, type ArrivalRow, type TimelineRow } from './alarm.repository';
import { alarmTypeInfo } from './alarm-types';
import { EscalationMessageView } from './escalation/escalation.dto';

export class AlarmView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) elevatorId!: string;
  @ApiProperty({ example: 'entrapment' }) type!: string;
  @ApiProperty() nameZh!: string;
  @ApiProperty() nameEn!: string;
  @ApiProperty({ enum: ['critical', 'major', 'minor'] }) severity!: string;
  @ApiProperty({ enum: ['open', 'acknowledged', 'dispatched', 'on_site', 'resolved', 'false_alarm'] })
  status!: string;
  @ApiProperty({
    enum: ['device', 'rule', 'public', 'phone'],
    description:
      'how the platform first learnt of it: the controller, a platform rule, the car’s public page, a phone call',
  })
  source!: string;
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
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'rescue alarms: the device-time moment the platform counts as notified (condition held for the detection threshold, or the controller reported the entrapment); the rescue deadline counts from it',
  })
  notifiedTs!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'notifiedTs + the region’s rescue arrival limit',
  })
  rescueDeadline!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'when rescuers arrived, by the evidence that counts',
  })
  arrivedAt!: string | null;
  @ApiProperty({
    nullable: true,
    enum: ['check_in', 'device', 'manual', 'status'],
    description:
      'check_in: technician checked in at the car; device: the elevator’s own data; manual: back-dated entry with a reason; status: time the alarm was set on site',
  })
  arrivalSource!: 'check_in' | 'device' | 'manual' | 'status' | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'arrivedAt − rescueDeadline in seconds: negative = before the deadline, positive = late',
  })
  arrivalVsDeadlineSeconds!: number | null;
  @ApiProperty({ description: '0 none, 1 deadline near, 2 deadline passed' }) escalationLevel!: number;
  @ApiProperty({
    description:
      'steps of the unacknowledged-alarm escalation chain taken so far (0: nobody told beyond the panel)',
  })
  ackEscalationStep!: number;
  @ApiProperty({
    nullable: true,
    enum: ['technician', 'firefighters', 'self_released', 'false_report'],
    description: 'entrapments closed by hand: how the passengers got out, as stated by whoever closed it',
  })
  releaseMethod!: 'technician' | 'firefighters' | 'self_released' | 'false_report' | null;
  @ApiProperty({
    description: 'times the car went on reporting the entrapment after a closure, reopening it',
  })
  reopenCount!: number;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'a reported entrapment (passenger, phone, alarm button): when the car’s own data joined it',
  })
  deviceConfirmedTs!: string | null;
  @ApiProperty({ nullable: true, type: String }) closedAt!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'lists and details: the elevator’s registration code',
  })
  registrationCode!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'lists and details: community, building and unit',
  })
  place!: string | null;

  static of(r: AlarmRow & { registration_code?: string | null; place?: string | null }): AlarmView {
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
      notifiedTs: iso(r.notified_ts),
      rescueDeadline: iso(r.rescue_deadline),
      arrivedAt: iso(r.arrived_at),
      arrivalSource: r.arrival_source,
      arrivalVsDeadlineSeconds:
        r.arrived_at && r.rescue_deadline
          ? Math.round((r.arrived_at.getTime() - r.rescue_deadline.getTime()) / 1000)
          : null,
      escalationLevel: r.escalation_level,
      ackEscalationStep: r.ack_escalation_step ?? 0,
      releaseMethod: r.release_method ?? null,
      reopenCount: r.reopen_count ?? 0,
      deviceConfirmedTs: iso(r.device_confirmed_ts ?? null),
      closedAt: iso(r.closed_at),
      registrationCode: r.registration_code ?? null,
      place: r.place ?? null,
    };
  }
}

export class TimelineEntry {
  @ApiProperty() at!: string;
  @ApiProperty({ example: 'acknowledged' }) kind!: string;
  @ApiProperty({ description: 'the account (system: the platform; public: the car’s page)' }) actor!: string;
  @ApiProperty({ nullable: true, type: String, description: 'the person’s name, as it was when they acted' })
  actorName!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'the person’s role (technician, firm, admin …)' })
  actorRole!: string | null;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty({ nullable: true, type: Object }) data!: Record<string, unknown> | null;

  static of(r: TimelineRow): TimelineEntry {
    return {
      at: r.at.toISOString(),
      kind: r.kind,
      actor: r.actor_username,
      actorName: r.actor_name,
      actorRole: r.actor_role,
      note: r.note,
      data: r.data,
    };
  }
}

export class ArrivalEvidence {
  @ApiProperty() at!: string;
  @ApiProperty({ enum: ['check_in', 'device', 'manual', 'status'] }) source!: string;
  @ApiProperty({
    example: 'inspection_mode',
    description: 'check_in, inspection_mode, door_opened_after_release, backdated, on_site',
  })
  kind!: string;
  @ApiProperty({ description: 'who recorded it (system for the elevator’s own data)' }) recordedBy!: string;
  @ApiProperty({ nullable: true, type: String, description: 'back-dated entries: why' }) reason!:
    string | null;
  @ApiProperty() recordedAt!: string;

  static of(r: ArrivalRow): ArrivalEvidence {
    return {
      at: r.at.toISOString(),
      source: r.source,
      kind: r.kind,
      recordedBy: r.recorded_by_name,
      reason: r.reason,
      recordedAt: r.recorded_at.toISOString(),
    };
  }
}

export class IncidentReportView {
  @ApiProperty() at!: string;
  @ApiProperty({ enum: ['public', 'phone', 'alarm_button'] }) channel!: string;
  @ApiProperty({ enum: ['trapped', 'stopped', 'door', 'noise', 'other'] }) kind!: string;
  @ApiProperty({ nullable: true, type: String, description: 'what the reporter said' }) text!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'the number to call back (responders only; null for others)',
  })
  callbackPhone!: string | null;
  @ApiProperty({ description: 'who recorded it (public: the car’s page; system: the alarm button)' })
  recordedBy!: string;
}

export class AlarmDetail extends AlarmView {
  @ApiProperty({ type: [TimelineEntry] }) timeline!: TimelineEntry[];
  @ApiProperty({ type: [ArrivalEvidence], description: 'every piece of arrival evidence, earliest first' })
  arrivals!: ArrivalEvidence[];
  @ApiProperty({ type: [IncidentReportView], description: 'reports that opened or joined the incident' })
  reports!: IncidentReportView[];
  @ApiProperty({
    description:
      'entrapments: the car’s data still shows the condition (passenger aboard, stopped out of the door zone or with doors closed); closing needs the way out and a note',
  })
  carStillReports!: boolean;
  @ApiProperty({
    type: () => WorkOrderSummary,
    nullable: true,
    description: 'the active (or last) work order',
  })
  workOrder!: WorkOrderSummary | null;
  @ApiProperty({
    type: () => [EscalationMessageView],
    description: 'messages of the unacknowledged escalation',
  })
  escalations!: EscalationMessageView[];
}

export class WorkOrderSummary {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) technicianId!: string;
  @ApiProperty() technicianName!: string;
  @ApiProperty({ nullable: true, type: String }) technicianPhone!: string | null;
  @ApiProperty({ enum: ['assigned', 'accepted', 'en_route', 'on_site', 'done', 'cancelled'] })
  status!: string;
  @ApiProperty() assignedAt!: string;
  @ApiProperty({ nullable: true, type: String }) acceptedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) departedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) arrivedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;
}

/** Committed alarm changes, for dashboards (socket.io) and other subscribers, in process. */
@Injectable()
export class AlarmBus {
  private readonly emitter = new EventEmitter().setMaxListeners(100);

  /**
   * `relayed`: every api process learns of these alarms on its own (committed by an ingest process,
   * announced through the database), so each pushes them to its own sockets only. Otherwise only
   * this process knows of them and the push goes to every replica (socket.io adapter).
   */
  publish(alarms: AlarmView[], relayed = false): void {
    if (alarms.length > 0) this.emitter.emit('alarms', alarms, relayed);
  }

  subscribe(listener: (alarms: AlarmView[], relayed: boolean) => void): () => void {
    this.emitter.on('alarms', listener);
    return () => this.emitter.off('alarms', listener);
  }
}
