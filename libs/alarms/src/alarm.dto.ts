import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { PageQueryDto, TimeRangeQueryDto } from '@liftwatch/contract';
import { ALARM_STATUSES } from './alarm-lifecycle';

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
}

export class CheckInDto {
  @ApiPropertyOptional({
    example: '31104401062021060001',
    description: 'the registration code scanned from the car’s QR code; must be this alarm’s elevator',
  })
  @IsOptional()
  @Matches(/^[0-9A-Za-z]{20}$/, { message: 'registrationCode must be 20 letters or digits' })
  registrationCode?: string;

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
