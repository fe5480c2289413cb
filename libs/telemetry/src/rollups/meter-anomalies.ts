import { Body, Controller, Get, HttpCode, Injectable, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsNumber, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { AuditService, CurrentPrincipal, type Principal, Roles, ReadsOne } from '@liftwatch/access';
import {
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  type Page,
  pageOf,
  PageOf,
  PageQueryDto,
  UuidParam,
} from '@liftwatch/contract';
import { VisibilityRepository } from '@liftwatch/registry';
import { METER_STEP_KINDS } from './meter-steps';
import { type MeterAnomalyRow, MeterRepository } from './meter.repository';
import { TelemetryJobsService } from './telemetry-jobs.service';

const STATUSES = ['open', 'accepted', 'corrected', 'noted'] as const;

export class MeterAnomalyQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  elevatorId?: string;

  @ApiPropertyOptional({ enum: [...STATUSES, 'resolved'], description: 'open: spikes waiting for a person' })
  @IsOptional()
  @IsIn([...STATUSES, 'resolved'])
  status?: (typeof STATUSES)[number] | 'resolved';
}

export class ResolveMeterAnomalyDto {
  @ApiProperty({
    enum: ['accept', 'correct'],
    description:
      'accept: the increase was real (counted whole); correct: give the reading it should have been',
  })
  @IsIn(['accept', 'correct'])
  action!: 'accept' | 'correct';

  @ApiPropertyOptional({
    example: 2256.42,
    description: 'correct: the reading (kWh) the meter should have shown',
  })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 3 })
  @Min(0)
  @Max(99_999_999)
  correctedReadingKwh?: number;

  @ApiProperty({ example: '物业电工现场抄表 2256.4 kWh，读数跳变为通讯故障', minLength: 4 })
  @IsString()
  @Length(4, 1000)
  reason!: string;
}

export class MeterReadingView {
  @ApiProperty() ts!: string;
  @ApiProperty() kwh!: number;
  @ApiProperty() meterId!: string;
}

export class MeterAnomalyView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) elevatorId!: string;
  @ApiProperty() registrationCode!: string;
  @ApiProperty() place!: string;
  @ApiProperty() meterId!: string;
  @ApiProperty({ description: 'device time of the odd reading' }) readingTs!: string;
  @ApiProperty() kwh!: number;
  @ApiProperty({ nullable: true, type: String }) prevTs!: string | null;
  @ApiProperty({ nullable: true, type: Number }) prevKwh!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'kwh − prevKwh' }) deltaKwh!: number | null;
  @ApiProperty({ description: 'what the rated power could draw between the two readings' })
  maxPlausibleKwh!: number;
  @ApiProperty({ enum: METER_STEP_KINDS.filter((k) => k !== 'normal' && k !== 'baseline') }) kind!: string;
  @ApiProperty({
    enum: STATUSES,
    description:
      'open: a spike counting nothing until resolved; noted: handled by the rule (reset, rollover …)',
  })
  status!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'what a resolution counts' }) countedKwh!:
    number | null;
  @ApiProperty({ nullable: true, type: Number }) correctedReadingKwh!: number | null;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ nullable: true, type: String }) resolvedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) resolvedAt!: string | null;
  @ApiPropertyOptional({ type: [MeterReadingView], description: 'detail: the readings around it' })
  around?: MeterReadingView[];

  static of(r: MeterAnomalyRow): MeterAnomalyView {
    const n = (v: string | null): number | null => (v === null ? null : Number(v));
    return {
      id: r.id,
      elevatorId: r.elevatorId,
      registrationCode: r.registrationCode,
      place: r.place,
      meterId: r.meterId,
      readingTs: new Date(r.readingTs).toISOString(),
      kwh: Number(r.kwh),
      prevTs: r.prevTs ? new Date(r.prevTs).toISOString() : null,
      prevKwh: n(r.prevKwh),
      deltaKwh: r.prevKwh === null ? null : Math.round((Number(r.kwh) - Number(r.prevKwh)) * 1000) / 1000,
      maxPlausibleKwh: Number(r.maxPlausibleKwh),
      kind: r.kind,
      status: r.status,
      countedKwh: n(r.countedKwh),
      correctedReadingKwh: n(r.correctedReadingKwh),
      reason: r.reason,
      resolvedBy: r.resolvedByName,
      resolvedAt: r.resolvedAt ? new Date(r.resolvedAt).toISOString() : null,
    };
  }
}

/** Who may decide about a meter reading: the owners' agent, the maintaining firm, admins. */
const DECIDERS = new Set(['admin', 'agent', 'firm']);

/**
 * Meter anomalies for the people who pay and the people who maintain: listed with the readings
 * around them, resolved once — accepted with a reason, or corrected to the reading it should have
 * been — audited, and carried into the rollups (and the statements of months not yet issued).
 */
@Injectable()
export class MeterAnomaliesService {
  constructor(
    private readonly meters: MeterRepository,
    private readonly visibility: VisibilityRepository,
    private readonly audit: AuditService,
    private readonly jobs: TelemetryJobsService,
  ) {}

  async list(p: Principal, q: MeterAnomalyQueryDto): Promise<Page<MeterAnomalyView>> {
    const [rows, total] = await this.meters.list({
      elevatorIds: q.elevatorId ? [q.elevatorId] : null,
      visible: this.visibility.elevators(p),
      status: q.status,
      limit: q.limit,
      offset: q.offset,
    });
    return pageOf(
      rows.map((r) => MeterAnomalyView.of(r)),
      total,
      q,
    );
  }

  async get(p: Principal, id: string): Promise<MeterAnomalyView> {
    const r = await this.find(p, id);
    const around = await this.meters.around(r.elevatorId, r.readingTs);
    return {
      ...MeterAnomalyView.of(r),
      around: around.map((x) => ({
        ts: new Date(x.ts).toISOString(),
        kwh: Number(x.kwh),
        meterId: x.meterId,
      })),
    };
  }

  async resolve(p: Principal, id: string, dto: ResolveMeterAnomalyDto): Promise<MeterAnomalyView> {
    const r = await this.find(p, id);
    if (!DECIDERS.has(p.role))
      throw new ForbiddenError(
        'ROLE_NOT_ALLOWED',
        'the owners’ agent or the maintenance firm decides about a reading',
      );
    if (r.status !== 'open')
      throw new ConflictError(
        'ANOMALY_DECIDED',
        `this reading was already ${r.status}; decisions are not undone`,
      );
    if (r.prevKwh === null) throw new ConflictError('NO_REFERENCE', 'no earlier reading to compare with');
    const prev = Number(r.prevKwh);
    let counted = Number(r.kwh) - prev;
    let corrected: number | null = null;
    if (dto.action === 'correct') {
      if (dto.correctedReadingKwh === undefined)
        throw InvalidInputError.field('correctedReadingKwh', 'give the reading the meter should have shown');
      corrected = dto.correctedReadingKwh;
      counted = corrected - prev;
      if (counted < 0)
        throw InvalidInputError.field('correctedReadingKwh', `below the reading before (${prev} kWh)`);
      if (counted > Number(r.maxPlausibleKwh))
        throw InvalidInputError.field(
          'correctedReadingKwh',
          `more than the elevator could draw since the reading before (at most ${Number(r.maxPlausibleKwh)} kWh)`,
        );
    }
    counted = Math.round(counted * 1000) / 1000;
    await this.meters.transaction(async (tx) => {
      const done = await this.meters.resolve(tx, id, {
        status: dto.action === 'accept' ? 'accepted' : 'corrected',
        countedKwh: counted,
        correctedReadingKwh: corrected,
        reason: dto.reason,
        userId: p.userId,
        username: p.username,
      });
      if (!done) throw new ConflictError('ANOMALY_DECIDED', 'decided meanwhile; reload it');
      await this.meters.markHour(tx, r.elevatorId, r.readingTs);
      await this.audit.record(tx, p, `meter_anomaly.${dto.action}`, 'meter_anomaly', id, {
        reading: { ts: r.readingTs, kwh: Number(r.kwh), prevKwh: prev },
        countedKwh: counted,
        correctedReadingKwh: corrected,
        reason: dto.reason,
      });
    });
    await this.jobs.refreshRollups();
    return this.get(p, id);
  }

  private async find(p: Principal, id: string): Promise<MeterAnomalyRow> {
    const r = await this.meters.find(id);
    if (!r || !(await this.visibility.canSeeElevator(p, r.elevatorId)))
      throw new NotFoundError('MeterAnomaly', id);
    return r;
  }
}

@ApiTags('telemetry')
@ApiBearerAuth()
@Roles('admin', 'agent', 'owner', 'firm')
@Controller('meter-anomalies')
export class MeterAnomaliesController {
  constructor(private readonly anomalies: MeterAnomaliesService) {}

  /** Odd meter readings of the elevators the caller sees: open spikes first. */
  @Get()
  @ApiOkResponse({ type: PageOf(MeterAnomalyView) })
  list(@CurrentPrincipal() p: Principal, @Query() q: MeterAnomalyQueryDto): Promise<Page<MeterAnomalyView>> {
    return this.anomalies.list(p, q);
  }

  /** One, with the readings around it. */
  @ReadsOne<MeterAnomaliesController>((c, p, id) => c.anomalies.get(p, id))
  @Get(':id')
  @ApiOkResponse({ type: MeterAnomalyView })
  get(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<MeterAnomalyView> {
    return this.anomalies.get(p, id);
  }

  /** Accept the increase with a reason, or correct it to the reading it should have been; audited, once. */
  @Post(':id/resolve')
  @HttpCode(200)
  @ApiOkResponse({ type: MeterAnomalyView })
  resolve(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: ResolveMeterAnomalyDto,
  ): Promise<MeterAnomalyView> {
    return this.anomalies.resolve(p, id, dto);
  }
}
