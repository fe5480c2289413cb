import { ApiProperty } from '@nestjs/swagger';

export class ArrivalSourceCounts {
  @ApiProperty() check_in!: number;
  @ApiProperty() device!: number;
  @ApiProperty() manual!: number;
  @ApiProperty() status!: number;
}

export class ReleaseMethodCounts {
  @ApiProperty() technician!: number;
  @ApiProperty() firefighters!: number;
  @ApiProperty() self_released!: number;
  @ApiProperty() false_report!: number;
  @ApiProperty({ description: 'closed after the car’s data showed the release, no way out stated' })
  device!: number;
  @ApiProperty({ description: 'not closed yet' }) open!: number;
}

export class RescueGroupView {
  @ApiProperty({
    description: 'entrapments notified in the period (false alarms and false reports excluded)',
  })
  entrapments!: number;
  @ApiProperty({ description: 'with any arrival evidence' }) arrived!: number;
  @ApiProperty({
    description:
      'rescuers arrived at or before the deadline, proven by a check-in at the car or the car’s own data (inspection mode)',
  })
  withinLimit!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'withinLimit / entrapments, 0–1' })
  withinLimitShare!: number | null;
  @ApiProperty({
    description:
      'arrivals at or before the deadline resting only on an office click or a back-dated entry (unproven)',
  })
  withinLimitClaimed!: number;
  @ApiProperty({
    type: ReleaseMethodCounts,
    description: 'how the passengers got out, as recorded at closure',
  })
  releaseMethods!: ReleaseMethodCounts;
  @ApiProperty({
    description: 'closed while the car still reported a passenger aboard, on the closer’s word',
  })
  closedOverCar!: number;
  @ApiProperty({ description: 'reopened because the car went on reporting the entrapment after a closure' })
  reopened!: number;
  @ApiProperty({ description: 'the car moved (passengers out) before anyone was recorded arriving' })
  releasedBeforeArrival!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'median of arrival − notification, seconds' })
  medianArrivalSeconds!: number | null;
  @ApiProperty({ type: ArrivalSourceCounts }) arrivalSources!: ArrivalSourceCounts;
}

export class RescueFirmView extends RescueGroupView {
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) firmId!: string | null;
  @ApiProperty({ nullable: true, type: String }) firm!: string | null;
}

export class RescueIncidentView {
  @ApiProperty({ format: 'uuid' }) alarmId!: string;
  @ApiProperty() place!: string;
  @ApiProperty() registrationCode!: string;
  @ApiProperty({ nullable: true, type: String }) firm!: string | null;
  @ApiProperty() notifiedTs!: string;
  @ApiProperty({ nullable: true, type: String }) rescueDeadline!: string | null;
  @ApiProperty({ nullable: true, type: String }) arrivedAt!: string | null;
  @ApiProperty({
    nullable: true,
    enum: ['check_in', 'device', 'manual', 'status'],
    description:
      'how the arrival was proven: check-in at the car, the car’s data, back-dated entry, office click',
  })
  arrivalSource!: string | null;
  @ApiProperty({ description: 'arrived by the deadline on proof (check-in or the car’s data)' })
  withinLimit!: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'the car’s data showed the release' })
  releasedTs!: string | null;
  @ApiProperty({ nullable: true, type: String }) releaseMethod!: string | null;
  @ApiProperty() reopenCount!: number;
  @ApiProperty() status!: string;
}

export class RescuePerformanceView extends RescueGroupView {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ type: [RescueFirmView], description: 'worst share first' }) byFirm!: RescueFirmView[];
  @ApiProperty({ description: 'entrapments closed as false reports (listed, outside the figures)' })
  falseReports!: number;
  @ApiProperty({
    type: [RescueIncidentView],
    description: 'each entrapment of the period, newest first (at most 500)',
  })
  incidents!: RescueIncidentView[];
}

/** Device-reported faults of one manufacturer and model over the period. */
export class FaultRateView {
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) manufacturerId!: string | null;
  @ApiProperty({ nullable: true, type: String }) manufacturer!: string | null;
  @ApiProperty({ nullable: true, type: String }) model!: string | null;
  @ApiProperty() elevators!: number;
  @ApiProperty() faults!: number;
  @ApiProperty() faultsPerElevator!: number;
}
