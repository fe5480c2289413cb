import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';

/** `from`/`to` query parameters: ISO 8601 instants, `to` exclusive; defaults depend on the endpoint. */
export class TimeRangeQueryDto {
  @ApiPropertyOptional({
    description: 'ISO 8601; default: a period before `to` that depends on the endpoint',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'ISO 8601, exclusive; default now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
