import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '@liftwatch/contract';
import { IsCalendarDate } from '@liftwatch/contract';

export class CreateFlatDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  unitId!: string;

  @ApiProperty({ example: '502' })
  @IsString()
  @Length(1, 20)
  number!: string;

  @ApiProperty({ example: 5, minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(40)
  floor!: number;

  @ApiProperty({ example: 86.5, description: 'Exclusive floor area (专有部分面积) in m², two decimals' })
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false })
  @IsPositive()
  @Max(10000)
  areaM2!: number;
}

export class UpdateFlatDto extends PartialType(OmitType(CreateFlatDto, ['unitId'] as const)) {}

export class FlatQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  unitId?: string;
}

export class OwnerShareDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'An existing owner; or give name (and phone) for a new one',
  })
  @IsOptional()
  @IsUUID()
  ownerId?: string;

  @ApiPropertyOptional({ example: '陈建国' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({ example: '13812345678' })
  @IsOptional()
  @Matches(/^[0-9+\-() ]{5,30}$/, { message: 'phone must be a phone number' })
  phone?: string;

  @ApiProperty({
    example: 50,
    description: 'Share of the flat in percent, two decimals; all shares add up to 100',
  })
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false })
  @IsPositive()
  @Max(100)
  sharePercent!: number;
}

/** A change of ownership (sale, inheritance): the current owners' period ends on effectiveFrom. */
export class TransferOwnershipDto {
  @ApiProperty({ example: '2026-03-11', description: 'First day of the new ownership (business calendar)' })
  @IsCalendarDate()
  effectiveFrom!: string;

  @ApiProperty({ type: [OwnerShareDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => OwnerShareDto)
  owners!: OwnerShareDto[];
}

export class CreateOwnerDto {
  @ApiProperty({ example: '陈建国' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiPropertyOptional({ example: '13812345678' })
  @IsOptional()
  @Matches(/^[0-9+\-() ]{5,30}$/, { message: 'phone must be a phone number' })
  phone?: string;
}

export class UpdateOwnerDto extends PartialType(CreateOwnerDto) {}

export class OwnershipView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) flatId!: string;
  @ApiProperty({ format: 'uuid' }) ownerId!: string;
  @ApiProperty() ownerName!: string;
  @ApiProperty() sharePercent!: number;
  @ApiProperty({ example: '2020-01-01' }) validFrom!: string;
  @ApiProperty({ nullable: true, type: String, description: 'exclusive; null while current' }) validTo!:
    string | null;
}

export class OwnerView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'masked unless admin, agent or the owner themself',
  })
  phone!: string | null;
  @ApiProperty() createdAt!: Date;
}
