import { ApiProperty } from '@nestjs/swagger';
import { IncidentReportView } from '../alarm-view';
import { WORK_ORDER_STATUSES, type WorkOrderRow } from './work-order.repository';

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

/** A job on the technician's phone: where, what, the rescue clock, who reported it and how to call them. */
export class WorkOrderView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) alarmId!: string;
  @ApiProperty({ format: 'uuid' }) elevatorId!: string;
  @ApiProperty({ enum: WORK_ORDER_STATUSES }) status!: string;
  @ApiProperty({ format: 'uuid' }) technicianId!: string;
  @ApiProperty() technicianName!: string;
  @ApiProperty({ nullable: true, type: String }) technicianPhone!: string | null;
  @ApiProperty({ nullable: true, type: String }) assignedByName!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'the dispatcher’s instructions' }) note!:
    string | null;
  @ApiProperty() assignedAt!: string;
  @ApiProperty({ nullable: true, type: String }) acceptedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) departedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'check-in at the car' }) arrivedAt!:
    string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty() registrationCode!: string;
  @ApiProperty({ nullable: true, type: String }) rescueCode!: string | null;
  @ApiProperty() place!: string;
  @ApiProperty() address!: string;
  @ApiProperty({ example: 'entrapment' }) alarmType!: string;
  @ApiProperty() alarmStatus!: string;
  @ApiProperty({ nullable: true, type: String }) rescueDeadline!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'the car’s data showed the release' })
  conditionClearedTs!: string | null;
  @ApiProperty() firstSeenTs!: string;
  @ApiProperty({ type: [IncidentReportView], description: 'what passengers or callers reported' })
  reports!: IncidentReportView[];

  static of(w: WorkOrderRow, reports: IncidentReportView[]): WorkOrderView {
    return {
      id: w.id,
      alarmId: w.alarmId,
      elevatorId: w.elevatorId,
      status: w.status,
      technicianId: w.technicianId,
      technicianName: w.technicianName,
      technicianPhone: w.technicianPhone,
      assignedByName: w.assignedByName,
      note: w.note,
      assignedAt: new Date(w.assignedAt).toISOString(),
      acceptedAt: iso(w.acceptedAt),
      departedAt: iso(w.departedAt),
      arrivedAt: iso(w.arrivedAt),
      finishedAt: iso(w.finishedAt),
      registrationCode: w.registrationCode,
      rescueCode: w.rescueCode,
      place: w.place,
      address: w.address,
      alarmType: w.alarmType,
      alarmStatus: w.alarmStatus,
      rescueDeadline: iso(w.rescueDeadline),
      conditionClearedTs: iso(w.conditionClearedTs),
      firstSeenTs: new Date(w.firstSeenTs).toISOString(),
      reports,
    };
  }
}

/** A technician the dispatcher may pick, with why the platform suggests them. */
export class TechnicianCandidate {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ nullable: true, type: String, description: '特种设备作业人员证' }) certificateNumber!:
    string | null;
  @ApiProperty({ description: 'work orders not yet done' }) openJobs!: number;
  @ApiProperty({ nullable: true, type: String, description: 'their last check-in at a car' })
  lastCheckInAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastCheckInPlace!: string | null;
  @ApiProperty({
    nullable: true,
    enum: ['same_building', 'same_community', 'elsewhere'],
    description: 'where their last check-in was, relative to this car',
  })
  lastCheckInNear!: 'same_building' | 'same_community' | 'elsewhere' | null;
  @ApiProperty({ description: 'the platform’s suggestion: fewest open jobs, then nearest last check-in' })
  suggested!: boolean;
}
