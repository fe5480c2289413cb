import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { type Lang, LANGS, PageQueryDto, QueryBoolean } from '@liftwatch/contract';
import { type Level, LEVELS } from './plan/levels';

export class PlanQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    default: 90,
    minimum: 0,
    maximum: 400,
    description: 'days of planned visits to list',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(400)
  horizonDays: number = 90;

  @ApiPropertyOptional({ default: false, description: 'only elevators with an overdue level' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  overdue: boolean = false;
}

export class ChecklistQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: LEVELS, description: 'items of this level and below' })
  @IsOptional()
  @IsIn(LEVELS)
  level?: Level;
}

export class ChecklistItemDto {
  @ApiProperty({ enum: LEVELS })
  @IsIn(LEVELS)
  level!: Level;

  @ApiProperty({ example: 'X01' })
  @Matches(/^[A-Za-z0-9-]{1,20}$/, { message: 'code must be 1-20 letters, digits or -' })
  code!: string;

  @ApiProperty({ example: '轿厢称重装置校验' })
  @IsString()
  @Length(1, 200)
  titleZh!: string;

  @ApiProperty({ example: 'Load weighing check' })
  @IsString()
  @Length(1, 200)
  titleEn!: string;

  @ApiProperty({ example: '准确有效' })
  @IsString()
  @Length(1, 500)
  requirement!: string;

  @ApiPropertyOptional({
    default: false,
    description: 'a safety-critical part: answered explicitly on every visit, a defect needs a photo',
  })
  @IsOptional()
  @IsBoolean()
  safetyCritical?: boolean;
}

export class UpdateChecklistItemDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  titleZh?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  titleEn?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 500)
  requirement?: string;

  @ApiPropertyOptional({ description: 'inactive items are no longer required or listed' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ description: 'a safety-critical part (explicit answer; a defect needs a photo)' })
  @IsOptional()
  @IsBoolean()
  safetyCritical?: boolean;
}

export class OverdueQueryDto {
  @ApiPropertyOptional({ example: '440106', description: "a region within the regulator's own" })
  @IsOptional()
  @Matches(/^[0-9]{6}$/, { message: 'regionCode must be a 6-digit GB/T 2260 code' })
  regionCode?: string;
}

export class InspectionHorizonDto {
  @ApiPropertyOptional({
    default: 3,
    minimum: 0,
    maximum: 30,
    description: 'years of the schedule listed beyond the next obligation (and beyond today)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(30)
  years?: number;
}

export class OverdueExportQueryDto extends OverdueQueryDto {
  @ApiPropertyOptional({ enum: LANGS, default: 'zh-CN' })
  @IsOptional()
  @IsIn(LANGS)
  lang?: Lang;
}

export class ChecklistItem {
  id!: string;
  code!: string;
  level!: Level;
  titleZh!: string;
  titleEn!: string;
  requirement!: string;
  position!: number;
  /** answered explicitly on every visit; a defect found needs a photo */
  safetyCritical!: boolean;
}

export class ChecklistItemState extends ChecklistItem {
  active!: boolean;
}

export class MonthlyRunResult {
  month!: string;
  issued!: number;
  failed!: number;
}

export class DailyReminders {
  created!: number;
  considered!: number;
}

export class DailyRunResult {
  day!: string;
  ran!: boolean;
  onDemandChecked!: number;
  onDemandFailing!: number;
  reminders!: DailyReminders;
  /** maintenance visits whose IoT verification was written down for good today */
  iotFrozen!: number;
}

export class IntervalView {
  count!: number;
  unit!: 'day' | 'month';
}

/** The longest time allowed between visits of each level. */
export class LevelIntervalsView {
  half_month!: IntervalView;
  quarterly!: IntervalView;
  half_year!: IntervalView;
  annual!: IntervalView;
}

export class OnDemandRequirementsView {
  /** the elevator's IoT device must have reported within this many hours */
  iotMaxSilenceHours!: number;
  /** lowest acceptable credit rating of the firm (A best … D worst) */
  minCreditRating!: 'A' | 'B' | 'C' | 'D';
}

/** A maintenance interval policy: TSG T5002 standard, or a regional on-demand pilot. */
export class IntervalPolicyView {
  code!: string;
  name!: string;
  kind!: 'standard' | 'on_demand';
  regionCode!: string | null;
  levels!: LevelIntervalsView;
  conditions!: OnDemandRequirementsView | null;
  notes!: string | null;
}

export class InspectionScheduleView {
  /** years after the base month in which a periodic inspection is due */
  inspectYears!: number[];
  /** after this many years, every year is a periodic inspection */
  annualAfterYear!: number;
}

/** An inspection policy: TSG T7001-2023 or a province variant (the most specific region wins). */
export class InspectionPolicyView {
  code!: string;
  name!: string;
  regionCode!: string | null;
  schedule!: InspectionScheduleView;
  notes!: string | null;
}

export class ConditionResultView {
  code!: 'iot_connected' | 'inspection_valid' | 'insurance_active' | 'firm_credit_rating';
  met!: boolean;
  detail!: string;
}

/** One daily re-check of an on-demand contract's entry conditions. */
export class ConditionCheckView {
  contractId!: string;
  checkedOn!: string;
  passed!: boolean;
  conditions!: ConditionResultView[];
}
