import { ApiProperty } from '@nestjs/swagger';

/** Response shapes of the statements API (the OpenAPI document is generated from these). */

export class CreatedId {
  @ApiProperty({ format: 'uuid' }) id!: string;
}

export class StatementLineDto {
  @ApiProperty({ description: 'stable key of the cost source (e.g. electricity:<elevator>)' })
  lineKey!: string;
  @ApiProperty({
    enum: [
      'electricity',
      'maintenance',
      'insurance',
      'inspection',
      'parts',
      'repair',
      'other',
      'lease',
      'rides',
      'adjustment',
    ],
  })
  category!: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) elevatorId!: string | null;
  @ApiProperty({ description: 'as stored at issue (English codes for computed lines)' }) description!: string;
  @ApiProperty({ description: 'fen' }) amountFen!: number;
  @ApiProperty({ nullable: true, type: String, description: 'adjustment lines: the month they correct' })
  adjustsMonth!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the figures behind the line' })
  data!: Record<string, unknown>;
  @ApiProperty({ example: '电费', description: 'category in the requested language' }) label!: string;
  @ApiProperty({
    example: '用电 12.345 kWh × ¥0.5883/kWh',
    description: 'the line in the requested language',
  })
  text!: string;
}

export class AllocationDto {
  @ApiProperty({ format: 'uuid' }) flatId!: string;
  @ApiProperty({ example: '301' }) flatNumber!: string;
  @ApiProperty() floor!: number;
  @ApiProperty({ description: 'the flat’s share of the total, fen' }) flatFen!: number;
  @ApiProperty({ format: 'uuid' }) ownerId!: string;
  @ApiProperty({ example: '张*', description: 'full for the owner themselves, masked for anyone else' })
  ownerName!: string;
  @ApiProperty({ description: 'what this owner pays, fen' }) ownerFen!: number;
  @ApiProperty({ description: 'days of the month this owner held the flat' }) days!: number;
  @ApiProperty({ description: 'co-ownership share, percent' }) sharePercent!: number;
  @ApiProperty({ example: '2026-10-01' }) periodFrom!: string;
  @ApiProperty({ example: '2026-10-31' }) periodTo!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example:
      '楼层系数 1.1 ÷ 系数合计 6.5 × 本户面积 95 m² ÷ 本层面积 160 m² × 分摊总额 ¥530.25 = ¥53.28，取整到分后本户 ¥53.28（各户合计等于总额）',
    description: 'how this amount was worked out, in the requested language, so it can be checked by hand',
  })
  workingText!: string | null;
}

export class StatementDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'LW202610-000012' }) statementNumber!: string;
  @ApiProperty({ format: 'uuid' }) projectId!: string;
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty({ example: '幸福里 3栋 2单元' }) place!: string;
  @ApiProperty({ example: '2026-10' }) month!: string;
  @ApiProperty({ enum: ['owner_run', 'leased', 'shared'] }) operatingModel!: string;
  @ApiProperty() operatingModelText!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) runningScheme!: Record<string, unknown>;
  @ApiProperty({ description: 'how the total is split, in words' }) schemeText!: string;
  @ApiProperty({ description: 'fen' }) totalFen!: number;
  @ApiProperty({ example: '2026-11-15' }) dueOn!: string;
  @ApiProperty() payee!: string;
  @ApiProperty() issuedAt!: string;
  @ApiProperty({ example: '2026-11-01', description: 'the business day it was issued (Asia/Shanghai)' })
  issuedOn!: string;
  @ApiProperty() issuedBy!: string;
  @ApiProperty({ type: [StatementLineDto] }) lines!: StatementLineDto[];
  @ApiProperty({ type: [AllocationDto], description: 'an owner sees only their own rows' })
  allocations!: AllocationDto[];
}

export class StatementPageDto {
  @ApiProperty({ type: [StatementDto] }) items!: StatementDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class IssuableMonthView {
  @ApiProperty({ example: '2026-11' }) month!: string;
  @ApiProperty({ description: 'a statement for this month exists (a month is issued once)' })
  issued!: boolean;
}

export class IssuableMonthsView {
  @ApiProperty({ nullable: true, type: String, description: 'the day the elevator went into operation' })
  inOperationSince!: string | null;
  @ApiProperty({
    type: [IssuableMonthView],
    description: 'ended months since operation, newest first (24 at most)',
  })
  months!: IssuableMonthView[];
}
