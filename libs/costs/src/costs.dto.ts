import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate, IsCalendarMonth, type Lang, LANGS, PageQueryDto } from '@liftwatch/contract';
import { type SplitScheme } from './rules/split-scheme';
import { type Tariff } from './rules/tariff';
import { type ProjectFlat } from './projects.service';
import { type FundingLine } from './rules/funding';
import { type ConditionName, type VoteCondition, type VoteResult } from './rules/consent-vote';

export const PHASES = [
  'preparation',
  'consent_vote',
  'agreement_published',
  'joint_review',
  'construction',
  'acceptance',
  'in_operation',
] as const;
export type Phase = (typeof PHASES)[number];
export const OPERATING_MODELS = ['owner_run', 'leased', 'shared'] as const;
export type OperatingModel = (typeof OPERATING_MODELS)[number];

export class CreateProjectDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  unitId!: string;

  @ApiProperty({ example: '华景新城12栋1单元加装电梯' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ type: [String], description: 'flats taking part; default all flats of the unit' })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  flatIds?: string[];
}

export class AdvancePhaseDto {
  @ApiProperty({ enum: PHASES, description: 'the next phase' })
  @IsIn(PHASES)
  phase!: Phase;

  @ApiProperty({ example: '2026-03-01', description: 'date of the document or event that opens the phase' })
  @IsCalendarDate()
  on!: string;
}

export class BallotDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  flatId!: string;

  @ApiProperty({
    enum: ['agree', 'disagree', 'abstain', 'none'],
    description: 'none: did not take part (removes a ballot)',
  })
  @IsIn(['agree', 'disagree', 'abstain', 'none'])
  answer!: 'agree' | 'disagree' | 'abstain' | 'none';

  @ApiPropertyOptional({
    example: '2021-03-12',
    description: 'the day the ballot was cast (the date on a paper ballot entered later); default today',
  })
  @IsOptional()
  @IsCalendarDate()
  castOn?: string;
}

export class BallotsDto {
  @ApiProperty({ type: [BallotDto] })
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => BallotDto)
  ballots!: BallotDto[];
}

export class SchemeDto implements SplitScheme {
  @ApiProperty({ enum: ['floor_coefficient', 'area', 'coefficient_area', 'custom_percent'] })
  @IsIn(['floor_coefficient', 'area', 'coefficient_area', 'custom_percent'])
  kind!: SplitScheme['kind'];

  @ApiPropertyOptional({ enum: ['guangzhou'], description: 'fill floorCoefficients from a reference table' })
  @IsOptional()
  @IsIn(['guangzhou'])
  preset?: 'guangzhou';

  @ApiPropertyOptional({ example: { 1: 0, 2: 500, 3: 1000 }, description: 'per floor, in thousandths' })
  @IsOptional()
  @IsObject()
  floorCoefficients?: Record<string, number>;

  @ApiPropertyOptional({ description: 'flat id → basis points (sum 10 000)' })
  @IsOptional()
  @IsObject()
  customBasisPoints?: Record<string, number>;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsUUID('all', { each: true })
  exemptFlatIds?: string[];

  @ApiPropertyOptional({
    example: 300000,
    description: 'construction only: paid to each ground-floor flat, fen',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  groundFloorCompensationFen?: number;
}

export class AgreementDto {
  @ApiProperty({ example: '2026-04-01' })
  @IsCalendarDate()
  signedOn!: string;

  @ApiProperty({ example: 60000000, description: 'construction budget, fen' })
  @IsInt()
  @Min(0)
  constructionBudgetFen!: number;

  @ApiPropertyOptional({ example: 15000000, description: 'government subsidy, fen' })
  @IsOptional()
  @IsInt()
  @Min(0)
  subsidyFen?: number;

  @ApiProperty({ type: SchemeDto })
  @ValidateNested()
  @Type(() => SchemeDto)
  constructionScheme!: SchemeDto;

  @ApiProperty({ type: SchemeDto })
  @ValidateNested()
  @Type(() => SchemeDto)
  runningScheme!: SchemeDto;

  @ApiProperty({ enum: OPERATING_MODELS })
  @IsIn(OPERATING_MODELS)
  operatingModel!: OperatingModel;

  @ApiPropertyOptional({ example: 80000, description: 'leased: fixed monthly fee to the investor, fen' })
  @IsOptional()
  @IsInt()
  @Min(0)
  leaseMonthlyFeeFen?: number;

  @ApiPropertyOptional({ example: 50, description: 'shared: price per ride, fen' })
  @IsOptional()
  @IsInt()
  @Min(0)
  ridePriceFen?: number;

  @ApiPropertyOptional({
    example: { kind: 'flat', priceCentifen: 6000 },
    description: 'electricity tariff: flat, or time_of_use periods; prices in 1/100 fen per kWh',
  })
  @IsOptional()
  @IsObject()
  tariff?: Tariff;

  @ApiPropertyOptional({
    example: '幸福里小区 3 栋 2 单元加装电梯业主委员会（收款账户见公告栏）',
    description: 'who collects the running costs; shown on every statement',
  })
  @IsOptional()
  @IsString()
  @Length(2, 200)
  payee?: string;

  @ApiPropertyOptional({
    example: 15,
    default: 15,
    description: 'statements are due on this day of the following month',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(28)
  paymentDueDay?: number;
}

export class FundingRequestDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  ownerId!: string;

  @ApiPropertyOptional({ example: 5000000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  providentFundRequestFen?: number;

  @ApiPropertyOptional({ example: 1000000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  maintenanceFundFen?: number;
}

export class CostEntryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  elevatorId?: string;

  @ApiProperty({ example: '2026-11-12' })
  @IsCalendarDate()
  occurredOn!: string;

  @ApiProperty({ enum: ['repair', 'parts', 'other'] })
  @IsIn(['repair', 'parts', 'other'])
  category!: 'repair' | 'parts' | 'other';

  @ApiProperty({ example: 45000, description: 'fen; negative to correct an earlier entry' })
  @IsInt()
  amountFen!: number;

  @ApiProperty({ example: '更换门机变频器（保外）' })
  @IsString()
  @Length(1, 500)
  description!: string;
}

export class MonthDto {
  @ApiProperty({ example: '2026-10' })
  @IsCalendarMonth()
  month!: string;
}

export class StatementQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: LANGS, default: 'zh-CN', description: 'language of labels and descriptions' })
  @IsOptional()
  @IsIn(LANGS)
  lang?: Lang;

  @ApiPropertyOptional({ example: '2026-10' })
  @IsOptional()
  @IsCalendarMonth()
  month?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  unitId?: string;
}

export class ProjectView {
  id!: string;
  unitId!: string;
  name!: string;
  @ApiProperty({ enum: PHASES })
  phase!: Phase;
  phaseDates!: Partial<Record<Phase, string>>;
  flats!: ProjectFlatView[];
  agreement!: AgreementView | null;
}

export class ProjectFlatView implements ProjectFlat {
  flatId!: string;
  number!: string;
  floor!: number;
  areaM2!: number;
}

export class AgreementView {
  id!: string;
  version!: number;
  signedOn!: string;
  constructionBudgetFen!: number;
  subsidyFen!: number;
  constructionScheme!: SplitScheme;
  runningScheme!: SplitScheme;
  operatingModel!: OperatingModel;
  leaseMonthlyFeeFen!: number | null;
  ridePriceFen!: number | null;
  tariff!: Tariff;
}

/** An owner's construction funding, named by flat and (masked unless it is the viewer's) name. */
export class FundingView implements FundingLine {
  ownerId!: string;
  ownerName!: string;
  flatNumbers!: string[];
  shareFen!: number;
  subsidyFen!: number;
  netFen!: number;
  providentFundFen!: number;
  /** the withdrawal asked for above the cap, refused */
  providentFundRefusedFen!: number;
  maintenanceFundFen!: number;
  cashFen!: number;
}

export class VoteRequired {
  numerator!: number;
  denominator!: number;
}

export class VoteConditionView implements VoteCondition {
  name!: ConditionName;
  /** what was reached, and out of what */
  reached!: number;
  of!: number;
  required!: VoteRequired;
  met!: boolean;
  /** how much more (m² or owners) would have been needed; 0 when met */
  shortBy!: number;
  unit!: 'm2' | 'owners';
}

export class VoteTotals {
  flats!: number;
  areaM2!: number;
  participatingFlats!: number;
  participatingAreaM2!: number;
  agreeFlats!: number;
  agreeAreaM2!: number;
}

/** The consent vote: the four conditions (Civil Code art. 278 double majorities), each with its shortfall. */
export class VoteResultView implements VoteResult {
  passed!: boolean;
  conditions!: VoteConditionView[];
  failed!: ConditionName[];
  totals!: VoteTotals;
}

export class MonthlyRunView {
  month!: string;
  /** statements issued by this run */
  issued!: number;
  /** projects whose statement could not be issued (see the log) */
  failed!: number;
}

/** One flat's ballot as recorded (null answer: not taken part yet). */
export class BallotView {
  flatId!: string;
  number!: string;
  floor!: number;
  areaM2!: number;
  @ApiProperty({ enum: ['agree', 'disagree', 'abstain'], nullable: true, type: String })
  answer!: 'agree' | 'disagree' | 'abstain' | null;
  @ApiProperty({ nullable: true, type: String, description: 'the day the ballot was cast' })
  castOn!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'when it was entered on the platform' })
  recordedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) recordedBy!: string | null;
}

export class AgreementVersionView extends AgreementView {
  createdAt!: string;
  createdBy!: string;
}

/** What each flat would carry under an agreement, before it is recorded. */
export class PreviewFlatView {
  flatId!: string;
  number!: string;
  floor!: number;
  areaM2!: number;
  /** share of the construction budget, fen (negative: a ground-floor compensation received) */
  constructionFen!: number;
  /** share of the subsidy, fen */
  subsidyFen!: number;
  /** share of the running costs, basis points (0.01 %) of a month's total */
  runningBasisPoints!: number;
}

export class AgreementPreviewView {
  constructionBudgetFen!: number;
  subsidyFen!: number;
  @ApiProperty({ type: [PreviewFlatView] })
  flats!: PreviewFlatView[];
}

export class CostEntryView {
  id!: string;
  occurredOn!: string;
  @ApiProperty({ enum: ['repair', 'parts', 'other'] })
  category!: 'repair' | 'parts' | 'other';
  amountFen!: number;
  description!: string;
  @ApiProperty({ nullable: true, type: String }) elevatorId!: string | null;
  @ApiProperty({ nullable: true, type: String }) registrationCode!: string | null;
  createdAt!: string;
  createdBy!: string;
}
