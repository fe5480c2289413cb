import { type Type as ClassType } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class PageQueryDto {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 50;

  @ApiPropertyOptional({ default: 0, minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset: number = 0;
}

/** A page of a list searched by text: names, numbers or codes containing `q` (case-insensitive). */
export class SearchPageQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'part of a name, number or code (case-insensitive)', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

/** A page of a list: the items, and the total matching the filter (for the UI's pager). */
export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export function pageOf<T>(items: T[], total: number, q: PageQueryDto): Page<T> {
  return { items, total, limit: q.limit, offset: q.offset };
}

/** A page of a list computed in full (small reference lists, per-elevator lists). */
export function pageArray<T>(all: readonly T[], q: PageQueryDto): Page<T> {
  return {
    items: all.slice(q.offset, q.offset + q.limit),
    total: all.length,
    limit: q.limit,
    offset: q.offset,
  };
}

const pageClasses = new Map<ClassType<unknown>, ClassType<unknown>>();

/**
 * The OpenAPI schema of `Page<item>` (generics are invisible at run time): `@ApiOkResponse({ type:
 * PageOf(ElevatorView) })`. One class per item type, named `<Item>Page`.
 */
export function PageOf<T>(item: ClassType<T>): ClassType<Page<T>> {
  const known = pageClasses.get(item);
  if (known) return known as ClassType<Page<T>>;
  class PageOfItem {
    @ApiProperty({ type: [item] }) items!: T[];
    @ApiProperty({ description: 'items matching the filter, all pages' }) total!: number;
    @ApiProperty() limit!: number;
    @ApiProperty() offset!: number;
  }
  Object.defineProperty(PageOfItem, 'name', { value: `${item.name.replace(/(Dto|Entity)$/, '')}Page` });
  pageClasses.set(item, PageOfItem);
  return PageOfItem;
}
