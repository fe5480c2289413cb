import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { TimeRangeQueryDto } from '@liftwatch/contract';

/** Rollups: `from` defaults to 24 h (hour) or 30 days (day) before `to`. */
export class HistoryQueryDto extends TimeRangeQueryDto {
  @ApiPropertyOptional({ enum: ['hour', 'day'], default: 'hour' })
  @IsOptional()
  @IsIn(['hour', 'day'])
  bucket: 'hour' | 'day' = 'hour';
}

/** Raw samples and events: `from` defaults to 1 h (samples) or 30 days (events) before `to`. */
export class RangeQueryDto extends TimeRangeQueryDto {
  @ApiPropertyOptional({ default: 1000, maximum: 10000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10000)
  limit: number = 1000;

  @ApiPropertyOptional({ default: 0, minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset: number = 0;
}
