import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsCalendarMonth } from '@liftwatch/contract';

export class AvailabilityQueryDto {
  @ApiPropertyOptional({ example: '2026-11', description: 'business month; default the current one' })
  @IsOptional()
  @IsCalendarMonth()
  month?: string;
}

export class OutageView {
  @ApiProperty({ format: 'uuid' }) alarmId!: string;
  @ApiProperty({ example: 'entrapment' }) type!: string;
  @ApiProperty() nameZh!: string;
  @ApiProperty() nameEn!: string;
  @ApiProperty({ description: 'offline: the state was not known; otherwise the car was out of service' })
  stopsService!: boolean;
  @ApiProperty() from!: string;
  @ApiProperty({ nullable: true, type: String, description: 'null: still going on' }) to!: string | null;
  @ApiProperty({ description: 'within the month, up to now' }) seconds!: number;
}

/**
 * An elevator's availability in a month: the share of the known time without a service-stopping
 * alarm (entrapment, overspeed, mains power lost, device faults). Offline time is reported apart.
 */
export class AvailabilityView {
  @ApiProperty({ format: 'uuid' }) elevatorId!: string;
  @ApiProperty({ example: '2026-11' }) month!: string;
  @ApiProperty() periodStart!: string;
  @ApiProperty() periodEnd!: string;
  @ApiProperty() elapsedSeconds!: number;
  @ApiProperty() outOfServiceSeconds!: number;
  @ApiProperty() unknownSeconds!: number;
  @ApiProperty({ nullable: true, type: Number, description: '0..1; null when nothing is known yet' })
  availability!: number | null;
  @ApiProperty({ description: 'no service-stopping alarm is open now' }) inServiceNow!: boolean;
  @ApiProperty({ type: [OutageView], description: 'what took it out of service, oldest first' })
  outages!: OutageView[];
}
