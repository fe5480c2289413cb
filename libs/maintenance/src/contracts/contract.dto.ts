import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { IsCalendarDate, SearchPageQueryDto } from '@liftwatch/contract';

export class CreateContractDto {
  @ApiProperty({ example: 'WB-2026-0012' })
  @Matches(/^[\p{L}\p{N}\-_/]{1,60}$/u, { message: 'contractNumber must be 1-60 letters, digits, - _ /' })
  contractNumber!: string;

  @ApiProperty({ format: 'uuid', description: 'the building unit whose owners sign' })
  @IsUUID()
  unitId!: string;

  @ApiProperty({ format: 'uuid', description: 'licensed maintenance firm' })
  @IsUUID()
  firmId!: string;

  @ApiProperty({ type: [String], description: "elevators covered (all in the contract's unit)" })
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  elevatorIds!: string[];

  @ApiProperty({ example: '业主代表 张三 / 华景街道办（受托）' })
  @IsString()
  @Length(1, 200)
  ownersRepresentative!: string;

  @ApiProperty({ example: '2026-01-01' })
  @IsCalendarDate()
  signedOn!: string;

  @ApiProperty({ example: '2026-01-01' })
  @IsCalendarDate()
  startsOn!: string;

  @ApiProperty({ example: '2026-12-31', description: 'last day of the term (inclusive)' })
  @IsCalendarDate()
  endsOn!: string;

  @ApiProperty({ example: 360000, description: 'annual fee in fen (CNY 3 600.00)' })
  @IsInt()
  @Min(0)
  @Max(100_000_000_00)
  annualFeeFen!: number;

  @ApiPropertyOptional({ default: false, description: 'parts included in the fee' })
  @IsOptional()
  @IsBoolean()
  includesParts?: boolean;

  @ApiPropertyOptional({ default: true, description: 'emergency call-outs included in the fee' })
  @IsOptional()
  @IsBoolean()
  includesCallouts?: boolean;

  @ApiProperty({
    example: 'tsg-t5002',
    description: 'interval policy code (GET /maintenance/interval-policies)',
  })
  @Matches(/^[a-z0-9-]{2,60}$/, { message: 'policyCode must be an interval policy code' })
  policyCode!: string;
}

export class TerminateContractDto {
  @ApiProperty({ example: '2026-06-30', description: 'first day no longer covered' })
  @IsCalendarDate()
  terminatedOn!: string;

  @ApiProperty({ example: '业主大会决议更换维保单位' })
  @IsString()
  @Length(1, 500)
  reason!: string;
}

export class ContractQueryDto extends SearchPageQueryDto {
  @ApiPropertyOptional({ enum: ['active', 'ended', 'all'], default: 'all' })
  @IsOptional()
  @IsIn(['active', 'ended', 'all'])
  status: 'active' | 'ended' | 'all' = 'all';

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  elevatorId?: string;
}

export class ContractView {
  id!: string;
  contractNumber!: string;
  unitId!: string;
  firmId!: string;
  firmName!: string;
  elevatorIds!: string[];
  ownersRepresentative!: string;
  signedOn!: string;
  startsOn!: string;
  endsOn!: string;
  annualFeeFen!: number;
  includesParts!: boolean;
  includesCallouts!: boolean;
  policyCode!: string;
  /** the policy in force today: the standard one while on-demand is suspended */
  effectivePolicyCode!: string;
  status!: 'pending' | 'active' | 'ended' | 'terminated';
  terminatedOn!: string | null;
  terminationReason!: string | null;
  onDemandSuspendedOn!: string | null;
  onDemandSuspensionReason!: string | null;
  createdAt!: string;
}
