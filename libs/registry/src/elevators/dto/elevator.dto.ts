import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { SearchPageQueryDto } from '@liftwatch/contract';
import { IsCalendarDate } from '@liftwatch/contract';
import {
  ASSIGNMENT_KINDS,
  type AssignmentKind,
  ELEVATOR_STATUSES,
  type ElevatorEntity,
  type ElevatorStatus,
} from '../elevator.entity';
import { REGISTRATION_CODE, registrationCodeNotes } from '../registration-code.util';

export class CreateElevatorDto {
  @ApiProperty({ format: 'uuid', description: 'The building unit the elevator serves' })
  @IsUUID()
  unitId!: string;

  @ApiProperty({ example: '31104401062019030025', description: '注册代码: exactly 20 letters or digits' })
  @Matches(REGISTRATION_CODE, { message: 'registrationCode must be exactly 20 letters or digits' })
  registrationCode!: string;

  @ApiPropertyOptional({
    example: '311012345201900123',
    description: '设备代码 (manufacturer), 6-32 characters',
  })
  @IsOptional()
  @Matches(/^[0-9A-Za-z-]{6,32}$/, { message: 'equipmentCode must be 6-32 letters, digits or hyphens' })
  equipmentCode?: string;

  @ApiPropertyOptional({ example: '梯11粤A12345(21)', description: '使用登记证编号' })
  @IsOptional()
  @IsString()
  @Length(4, 40)
  useCertificateNo?: string;

  @ApiPropertyOptional({
    example: '10086',
    description: 'Rescue identification code (format per RESCUE_CODE_PATTERN)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 20)
  rescueCode?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  manufacturerId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  installerId?: string;

  @ApiPropertyOptional({ example: 'HOPE-II 630' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  model?: string;

  @ApiPropertyOptional({ example: '2019-03-18', description: 'Date the installation inspection passed' })
  @IsOptional()
  @IsCalendarDate()
  commissionedOn?: string;

  @ApiProperty({ example: [1, 2, 3, 4, 5, 6, 7], description: 'Floors with a landing door' })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(40)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(40, { each: true })
  servedFloors!: number[];

  @ApiPropertyOptional({ example: 630 })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(5000)
  ratedLoadKg?: number;

  @ApiPropertyOptional({ example: 1.0 })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 })
  @IsPositive()
  @Max(10)
  ratedSpeedMps?: number;

  @ApiPropertyOptional({
    example: 5.5,
    description:
      'the drive’s rated power (kW): bounds what a meter step may plausibly show (15 kW assumed without it)',
  })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 })
  @IsPositive()
  @Max(200)
  ratedPowerKw?: number;
}

export class UpdateElevatorDto extends PartialType(OmitType(CreateElevatorDto, ['unitId'] as const)) {
  @ApiPropertyOptional({ enum: ELEVATOR_STATUSES })
  @IsOptional()
  @IsIn(ELEVATOR_STATUSES)
  status?: ElevatorStatus;
}

export class ElevatorQueryDto extends SearchPageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional({ example: '440100', description: 'Elevators in buildings of this region or below' })
  @IsOptional()
  @Matches(/^[0-9]{6}$/, { message: 'regionCode must be a 6-digit GB/T 2260 code' })
  regionCode?: string;

  @ApiPropertyOptional({ description: 'Exact registration code' })
  @IsOptional()
  @Matches(REGISTRATION_CODE, { message: 'registrationCode must be exactly 20 letters or digits' })
  registrationCode?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  manufacturerId?: string;
}

export class ElevatorView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty() registrationCode!: string;
  @ApiProperty({
    type: [String],
    description:
      'Warnings about the registration code (structure, category, month, region against the building’s) — never refusals',
  })
  registrationCodeNotes!: string[];
  @ApiProperty({ nullable: true, type: String }) equipmentCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) useCertificateNo!: string | null;
  @ApiProperty({ nullable: true, type: String }) rescueCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) manufacturerId!: string | null;
  @ApiProperty({ nullable: true, type: String }) installerId!: string | null;
  @ApiProperty({ nullable: true, type: String }) model!: string | null;
  @ApiProperty({ nullable: true, type: String }) commissionedOn!: string | null;
  @ApiProperty({ type: [Number] }) servedFloors!: number[];
  @ApiProperty({ nullable: true, type: Number }) ratedLoadKg!: number | null;
  @ApiProperty({ nullable: true, type: Number }) ratedSpeedMps!: number | null;
  @ApiProperty({ nullable: true, type: Number }) ratedPowerKw!: number | null;
  @ApiProperty({ enum: ELEVATOR_STATUSES }) status!: ElevatorStatus;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;

  static of(e: ElevatorEntity, currentYear: number, buildingRegionCode?: string): ElevatorView {
    return {
      ...e,
      registrationCodeNotes: registrationCodeNotes(e.registrationCode, currentYear, buildingRegionCode),
    };
  }
}

export class CreateAssignmentDto {
  @ApiProperty({
    format: 'uuid',
    description: 'A maintenance firm (kind maintenance) or an insurer (kind insurance)',
  })
  @IsUUID()
  organisationId!: string;

  @ApiProperty({ enum: ASSIGNMENT_KINDS })
  @IsIn(ASSIGNMENT_KINDS)
  kind!: AssignmentKind;

  @ApiPropertyOptional({ example: '2026-01-01', description: 'Defaults to today (business calendar)' })
  @IsOptional()
  @IsCalendarDate()
  validFrom?: string;
}

export class EndAssignmentDto {
  @ApiPropertyOptional({
    example: '2026-12-31',
    description: 'First day no longer covered; defaults to today',
  })
  @IsOptional()
  @IsCalendarDate()
  validTo?: string;
}
