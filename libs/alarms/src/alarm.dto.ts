import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { PageQueryDto, TimeRangeQueryDto } from '@liftwatch/contract';
import { ALARM_STATUSES } from './alarm-lifecycle';
import { RELEASE_METHODS, type ReleaseMethod } from './rescue/entrapment-closure';

export class AlarmQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: ['closed', ...ALARM_STATUSES],
    description:
      'a status; or `open` for every status not yet closed, `closed` for resolved and false alarms',
  })
  @IsOptional()
  @IsIn(['closed', ...ALARM_STATUSES])
  status?: 'open' | 'closed' | (typeof ALARM_STATUSES)[number];

  @ApiPropertyOptional({ example: 'entrapment' })
  @IsOptional()
  @Matches(/^[a-z0-9_A-Z]{1,40}$/, { message: 'type must be an alarm type' })
  type?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  elevatorId?: string;

  @ApiPropertyOptional({ description: 'opened at or after (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date-time' })
  from?: string;

  @ApiPropertyOptional({ description: 'opened before (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date-time' })
  to?: string;
}

export class AlarmTypeCount {
  @ApiProperty({ example: 'entrapment' }) type!: string;
  @ApiProperty() nameZh!: string;
  @ApiProperty() nameEn!: string;
  @ApiProperty() count!: number;
}

export class AlarmActionDto {
  @ApiPropertyOptional({ example: '维保人员已出发，预计 15 分钟到达' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  note?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'dispatch: the technician sent (required for rescue alarms; see GET /alarms/{id}/technicians)',
  })
  @IsOptional()
  @IsUUID()
  technicianId?: string;

  @ApiPropertyOptional({
    enum: RELEASE_METHODS,
    description:
      'resolve/false-alarm of an entrapment: how the passengers got out — required unless the car’s data showed the release; with a note when the car still reports a passenger aboard',
  })
  @IsOptional()
  @IsIn(RELEASE_METHODS)
  releaseMethod?: ReleaseMethod;
}

export const CALL_KINDS = ['trapped', 'stopped', 'door', 'noise', 'other'] as const;

/** A call the dispatcher took about a car, with the time of the call. */
export class RecordCallDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  elevatorId!: string;

  @ApiPropertyOptional({ enum: CALL_KINDS, default: 'trapped', description: 'trapped opens an entrapment' })
  @IsOptional()
  @IsIn(CALL_KINDS)
  kind?: (typeof CALL_KINDS)[number];

  @ApiProperty({
    example: '2026-12-07T09:41:00+08:00',
    description: 'when the caller rang (the rescue clock starts then)',
  })
  @IsISO8601({ strict: true }, { message: 'calledAt must be an ISO 8601 date-time' })
  calledAt!: string;

  @ApiPropertyOptional({ example: '13800138000', description: 'the number to call back' })
  @IsOptional()
  @Matches(/^[0-9+\- ]{5,20}$/, { message: 'callbackPhone must be a phone number' })
  callbackPhone?: string;

  @ApiPropertyOptional({ example: '业主来电：3 楼和 4 楼之间有老人被困', maxLength: 1000 })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  text?: string;
}

export class CheckInDto {
  @ApiProperty({
    example: '31104401062021060001',
    description:
      'the registration code scanned from the car’s QR code; must be this alarm’s elevator (it proves the place)',
  })
  @Matches(/^[0-9A-Za-z]{20}$/, { message: 'registrationCode must be 20 letters or digits' })
  registrationCode!: string;

  @ApiPropertyOptional({ example: '已到达现场，正在盘车放人' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  note?: string;
}

export class ArrivalDto {
  @ApiProperty({ example: '2026-11-25T09:41:00+08:00', description: 'when the technician really arrived' })
  @IsISO8601({ strict: true }, { message: 'at must be an ISO 8601 date-time' })
  at!: string;

  @ApiProperty({ example: '现场无网络，到达后 20 分钟才补录' })
  @IsString()
  @Length(5, 500)
  reason!: string;
}

/** Fault rates: `from` defaults to 365 days before `to`. */
export class FaultRateQueryDto extends TimeRangeQueryDto {}
