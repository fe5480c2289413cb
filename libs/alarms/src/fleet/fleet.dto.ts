import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { PageQueryDto } from '@liftwatch/contract';
import { FLEET_STATUSES, type FleetStatus, LiveState } from '@liftwatch/telemetry';

export class FleetQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '440100', description: 'a region and everything below it' })
  @IsOptional()
  @Matches(/^[0-9]{6}$/, { message: 'regionCode must be a 6-digit GB/T 2260 code' })
  regionCode?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  buildingId?: string;

  @ApiPropertyOptional({ enum: FLEET_STATUSES })
  @IsOptional()
  @IsIn(FLEET_STATUSES)
  status?: FleetStatus;

  @ApiPropertyOptional({
    description: 'part of a registration code, rescue code, community or building name',
  })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  q?: string;
}

/** One elevator of the fleet picture: where it is, its live state and what a dispatcher sees. */
export class FleetItem {
  @ApiProperty({ format: 'uuid' }) elevatorId!: string;
  @ApiProperty() registrationCode!: string;
  @ApiProperty({ nullable: true, type: String }) rescueCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) model!: string | null;
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty() unitName!: string;
  @ApiProperty() floorCount!: number;
  @ApiProperty({ format: 'uuid' }) buildingId!: string;
  @ApiProperty() buildingName!: string;
  @ApiProperty() community!: string;
  @ApiProperty() address!: string;
  @ApiProperty() regionCode!: string;
  @ApiProperty({ nullable: true, type: String }) regionName!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'the maintenance firm under contract today' })
  firmName!: string | null;
  @ApiProperty({ enum: FLEET_STATUSES }) status!: FleetStatus;
  @ApiProperty({ description: 'open alarms of this elevator' }) openAlarms!: number;
  @ApiProperty({ type: LiveState, nullable: true, description: 'null: the controller has never reported' })
  live!: LiveState | null;
}

export class FleetStatusCounts {
  @ApiProperty() trapped!: number;
  @ApiProperty() offline!: number;
  @ApiProperty() fault!: number;
  @ApiProperty() inspection!: number;
  @ApiProperty() out_of_service!: number;
  @ApiProperty() running!: number;
  @ApiProperty() idle!: number;
}

export class FleetPage {
  @ApiProperty({ type: [FleetItem] }) items!: FleetItem[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
  @ApiProperty({ type: FleetStatusCounts, description: 'per status, over the filter without `status`' })
  counts!: FleetStatusCounts;
}
