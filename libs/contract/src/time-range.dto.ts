import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';
import { InvalidInputError } from './domain-error';

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

/**
 * The period a report covers: `to` defaults to `now` (the caller's Clock), `from` to `defaultDays`
 * before `to`; `from` must be before `to` (a field error otherwise).
 */
export function resolveTimeRange(
  q: TimeRangeQueryDto,
  now: Date,
  defaultDays: number,
): { from: Date; to: Date } {
  const to = q.to ? new Date(q.to) : now;
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - defaultDays * 86_400_000);
  if (from >= to) throw InvalidInputError.field('from', 'from must be before to');
  return { from, to };
}
