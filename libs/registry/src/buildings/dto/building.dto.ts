import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { PageQueryDto, SearchPageQueryDto } from '@liftwatch/contract';

export class CreateBuildingDto {
  @ApiProperty({ example: '440106' })
  @Matches(/^[0-9]{6}$/, { message: 'regionCode must be a 6-digit GB/T 2260 code' })
  regionCode!: string;

  @ApiProperty({ example: '华景新城', description: '小区 (residential community)' })
  @IsString()
  @Length(1, 100)
  community!: string;

  @ApiProperty({ example: '12栋', description: '楼栋 (building name or number)' })
  @IsString()
  @Length(1, 50)
  name!: string;

  @ApiProperty({ example: '广州市天河区华景路12号' })
  @IsString()
  @Length(1, 200)
  address!: string;

  @ApiPropertyOptional({ example: 1995 })
  @IsOptional()
  @IsInt()
  @Min(1900)
  @Max(2100)
  builtYear?: number;
}

export class UpdateBuildingDto extends PartialType(OmitType(CreateBuildingDto, ['regionCode'] as const)) {}

export class BuildingQueryDto extends SearchPageQueryDto {
  @ApiPropertyOptional({ example: '440100', description: 'Buildings in this region or below' })
  @IsOptional()
  @Matches(/^[0-9]{6}$/, { message: 'regionCode must be a 6-digit GB/T 2260 code' })
  regionCode?: string;
}

export class CreateUnitDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  buildingId!: string;

  @ApiProperty({ example: '2单元' })
  @IsString()
  @Length(1, 50)
  name!: string;

  @ApiProperty({ example: 7, minimum: 2, maximum: 40 })
  @IsInt()
  @Min(2)
  @Max(40)
  floorCount!: number;
}

export class UpdateUnitDto extends PartialType(OmitType(CreateUnitDto, ['buildingId'] as const)) {}

export class UnitQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  buildingId?: string;
}
