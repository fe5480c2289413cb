import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { PageQueryDto } from '@liftwatch/contract';

export class CreateRegionDto {
  @ApiProperty({ example: '440106', description: 'GB/T 2260 six-digit code' })
  @Matches(/^[0-9]{6}$/, { message: 'code must be a 6-digit GB/T 2260 code' })
  code!: string;

  @ApiProperty({ example: '天河区' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiPropertyOptional({ example: 'Tianhe District' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  nameEn?: string;

  @ApiPropertyOptional({
    description:
      'Rescue arrival limit in minutes; defaults to 30 for cities and city districts, 60 for counties',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(240)
  rescueArrivalLimitMin?: number;
}

export class UpdateRegionDto extends PartialType(
  PickType(CreateRegionDto, ['name', 'nameEn', 'rescueArrivalLimitMin'] as const),
) {}

export class RegionQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '440100' })
  @IsOptional()
  @Matches(/^[0-9]{6}$/, { message: 'parentCode must be a 6-digit GB/T 2260 code' })
  parentCode?: string;

  @ApiPropertyOptional({ enum: ['province', 'prefecture', 'county'] })
  @IsOptional()
  @IsIn(['province', 'prefecture', 'county'])
  level?: string;
}
