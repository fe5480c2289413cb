import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PASSENGER_REPORT_KINDS, type PassengerReportKind } from '@liftwatch/alarms';
import { FLEET_STATUSES, type FleetStatus } from '@liftwatch/telemetry';

/** The registration code printed in the car (and encoded in its QR code). */
export class RegistrationCodeParam {
  @ApiProperty({ example: '31104401062021060001' })
  @Matches(/^[0-9A-Za-z]{20}$/, { message: 'registrationCode must be 20 letters or digits' })
  registrationCode!: string;
}

export class PublicFirmView {
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String, description: "the firm's 24-hour duty phone" })
  dutyPhone!: string | null;
}

export class PublicInspectionView {
  @ApiProperty({ enum: ['ok', 'due', 'overdue', 'failed', 'unknown'] })
  state!: 'ok' | 'due' | 'overdue' | 'failed' | 'unknown';
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'the month (YYYY-MM) the next inspection is due by',
  })
  validUntilMonth!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'the last passing inspection (YYYY-MM-DD)' })
  lastInspectedOn!: string | null;
}

/**
 * What anyone in the car may read after scanning its code (一梯一码): the elevator, who maintains it
 * and how to reach them, when it was last maintained and inspected, whether it is insured — and
 * nothing about the owners.
 */
export class PublicElevatorView {
  @ApiProperty({ description: '注册代码' }) registrationCode!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'rescue identification code on the sign in the car',
  })
  rescueCode!: string | null;
  @ApiProperty({ example: '96333', description: "the city's elevator emergency platform" })
  emergencyHotline!: string;
  @ApiProperty({ example: '天河花园 3栋 1单元' }) place!: string;
  @ApiProperty({ nullable: true, type: String }) manufacturer!: string | null;
  @ApiProperty({ nullable: true, type: String }) model!: string | null;
  @ApiProperty({ enum: ['in_service', 'out_of_service', 'decommissioned'] })
  status!: 'in_service' | 'out_of_service' | 'decommissioned';
  @ApiProperty({ nullable: true, type: PublicFirmView }) maintenanceFirm!: PublicFirmView | null;
  @ApiProperty({ nullable: true, type: String, description: 'the last maintenance visit (YYYY-MM-DD)' })
  lastMaintainedOn!: string | null;
  @ApiProperty({ type: PublicInspectionView }) inspection!: PublicInspectionView;
  @ApiProperty({ description: 'an insurance policy covers the elevator today' }) insured!: boolean;
  @ApiProperty({
    enum: FLEET_STATUSES,
    description:
      'the car right now, from its own data and open alarms: trapped, offline, fault, inspection, out_of_service, running, idle',
  })
  serviceStatus!: FleetStatus;
  @ApiProperty({ description: 'running or idle: carrying passengers normally' }) inNormalService!: boolean;
  @ApiProperty({ description: 'a maintenance visit is past its due day' }) maintenanceOverdue!: boolean;
}

export class PassengerReportDto {
  @ApiProperty({ enum: PASSENGER_REPORT_KINDS })
  @IsIn(PASSENGER_REPORT_KINDS)
  kind!: PassengerReportKind;

  @ApiPropertyOptional({ example: '电梯停在 3 楼和 4 楼之间，门打不开', maxLength: 500 })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  description?: string;

  @ApiPropertyOptional({
    example: '13800138000',
    description: 'only if the reporter wants to be called back',
  })
  @IsOptional()
  @Matches(/^[0-9+\- ]{5,20}$/, { message: 'contactPhone must be a phone number' })
  contactPhone?: string;
}

export class ReportReceived {
  @ApiProperty({ description: 'the firm has it on its alarm panel' }) received!: boolean;
  @ApiProperty() receivedAt!: string;
  @ApiProperty({ example: '96333' }) emergencyHotline!: string;
}
