import { ApiProperty } from '@nestjs/swagger';

export class ArrivalSourceCounts {
  @ApiProperty() check_in!: number;
  @ApiProperty() device!: number;
  @ApiProperty() manual!: number;
  @ApiProperty() status!: number;
}

export class RescueGroupView {
  @ApiProperty({ description: 'entrapments notified in the period (false alarms excluded)' })
  entrapments!: number;
  @ApiProperty({ description: 'with any arrival evidence' }) arrived!: number;
  @ApiProperty({ description: 'rescuers arrived at or before the deadline' }) withinLimit!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'withinLimit / entrapments, 0–1' })
  withinLimitShare!: number | null;
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

export class RescuePerformanceView extends RescueGroupView {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ type: [RescueFirmView], description: 'worst share first' }) byFirm!: RescueFirmView[];
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
