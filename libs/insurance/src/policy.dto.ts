import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate, PageQueryDto } from '@liftwatch/contract';
import { type EntrapmentTier } from './payout';

export const COVER_TYPES = [
  'third_party_liability',
  'property',
  'maintenance_repair',
  'inspection_fees',
  'main_components',
] as const;
export type CoverType = (typeof COVER_TYPES)[number];
export const POLICYHOLDER_KINDS = ['owners', 'use_unit', 'maintenance_firm'] as const;
export type PolicyholderKind = (typeof POLICYHOLDER_KINDS)[number];

export class LimitsDto {
  @ApiPropertyOptional({ example: 100000000, description: 'per incident, fen' })
  @IsOptional()
  @IsInt()
  @Min(0)
  perIncidentFen?: number;

  @ApiPropertyOptional({ example: 50000000, description: 'per person, fen' })
  @IsOptional()
  @IsInt()
  @Min(0)
  perPersonFen?: number;

  @ApiPropertyOptional({ example: 500000000, description: 'for the whole term, fen' })
  @IsOptional()
  @IsInt()
  @Min(0)
  aggregateFen?: number;
}

export class EntrapmentTierDto implements EntrapmentTier {
  @ApiProperty({ example: 30, description: 'trapped at least this many minutes' })
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  minMinutes!: number;

  @ApiProperty({ example: 50000, description: 'payout per trapped person, fen' })
  @IsInt()
  @Min(0)
  payoutFenPerPerson!: number;
}

export class CreatePolicyDto {
  @ApiProperty({ example: 'PICC-DT-2026-000123' })
  @Matches(/^[\p{L}\p{N}\-_/]{1,60}$/u, { message: 'policyNumber must be 1-60 letters, digits, - _ /' })
  policyNumber!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'admins: the insurer; insurers: their own (default)' })
  @IsOptional()
  @IsUUID()
  insurerId?: string;

  @ApiProperty({ enum: POLICYHOLDER_KINDS })
  @IsIn(POLICYHOLDER_KINDS)
  policyholderKind!: PolicyholderKind;

  @ApiPropertyOptional({ format: 'uuid', description: 'for policyholder owners: their unit' })
  @IsOptional()
  @IsUUID()
  policyholderUnitId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'for a use unit or maintenance firm: the organisation',
  })
  @IsOptional()
  @IsUUID()
  policyholderOrganisationId?: string;

  @ApiProperty({ example: '华景新城12栋1单元全体业主' })
  @IsString()
  @Length(1, 200)
  policyholderName!: string;

  @ApiProperty({ type: [String], description: 'elevators covered' })
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  elevatorIds!: string[];

  @ApiProperty({ example: '2026-01-01' })
  @IsCalendarDate()
  startsOn!: string;

  @ApiProperty({ example: '2026-12-31', description: 'last day covered (inclusive)' })
  @IsCalendarDate()
  endsOn!: string;

  @ApiProperty({ example: 120000, description: 'premium for the term, fen' })
  @IsInt()
  @Min(0)
  premiumFen!: number;

  @ApiProperty({ enum: COVER_TYPES, isArray: true })
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(COVER_TYPES, { each: true })
  coverTypes!: CoverType[];

  @ApiPropertyOptional({ type: LimitsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => LimitsDto)
  limits?: LimitsDto;

  @ApiPropertyOptional({ example: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  deductibleFen?: number;

  @ApiPropertyOptional({ type: [EntrapmentTierDto] })
  @IsOptional()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => EntrapmentTierDto)
  entrapmentTiers?: EntrapmentTierDto[];
}

export class CancelPolicyDto {
  @ApiProperty({ example: '2026-06-30', description: 'first day no longer covered' })
  @IsCalendarDate()
  cancelledOn!: string;

  @ApiProperty({ example: '业主退保' })
  @IsString()
  @Length(1, 500)
  reason!: string;
}

export class PolicyQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  elevatorId?: string;

  @ApiPropertyOptional({ enum: ['active', 'all'], default: 'all' })
  @IsOptional()
  @IsIn(['active', 'all'])
  status: 'active' | 'all' = 'all';
}

export class PolicyView {
  id!: string;
  policyNumber!: string;
  insurerId!: string;
  insurerName!: string;
  policyholderKind!: PolicyholderKind;
  policyholderUnitId!: string | null;
  policyholderOrganisationId!: string | null;
  policyholderName!: string;
  elevatorIds!: string[];
  startsOn!: string;
  endsOn!: string;
  premiumFen!: number;
  coverTypes!: CoverType[];
  limits!: LimitsDto;
  deductibleFen!: number;
  entrapmentTiers!: EntrapmentTier[];
  status!: 'pending' | 'active' | 'expired' | 'cancelled';
  cancelledOn!: string | null;
  cancellationReason!: string | null;
  createdAt!: string;
}
