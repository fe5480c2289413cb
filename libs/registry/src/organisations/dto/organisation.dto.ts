import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { IsCalendarDate } from '@liftwatch/contract';
import {
  CREDIT_RATINGS,
  type CreditRating,
  ORGANISATION_KINDS,
  type OrganisationKind,
} from '../organisation.entity';

export class CreateOrganisationDto {
  @ApiProperty({ enum: ORGANISATION_KINDS })
  @IsIn(ORGANISATION_KINDS)
  kind!: OrganisationKind;

  @ApiProperty({ example: '广州安达电梯维保有限公司' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ description: '统一社会信用代码 (18 characters)', example: '91440101MA5CXXXX1X' })
  @IsOptional()
  @Matches(/^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$/, {
    message: 'uscc must be an 18-character unified social credit code',
  })
  uscc?: string;

  @ApiPropertyOptional({ description: 'Special-equipment licence number; required for maintenance firms' })
  @IsOptional()
  @IsString()
  @Length(3, 64)
  licenceNumber?: string;

  @ApiPropertyOptional({ example: '2028-12-31' })
  @IsOptional()
  @IsCalendarDate()
  licenceValidUntil?: string;

  @ApiPropertyOptional({ enum: CREDIT_RATINGS, description: 'Maintenance firms only' })
  @IsOptional()
  @IsIn(CREDIT_RATINGS)
  creditRating?: CreditRating;

  @ApiPropertyOptional({ example: '440100' })
  @IsOptional()
  @Matches(/^[0-9]{6}$/, { message: 'regionCode must be a 6-digit GB/T 2260 code' })
  regionCode?: string;

  @ApiPropertyOptional({
    description: '24-hour duty phone (maintenance firms must run one)',
    example: '020-12345678',
  })
  @IsOptional()
  @Matches(/^[0-9+\-() ]{5,30}$/, { message: 'dutyPhone must be a phone number' })
  dutyPhone?: string;
}

export class UpdateOrganisationDto extends PartialType(OmitType(CreateOrganisationDto, ['kind'] as const)) {}

export class OrganisationQueryDto {
  @ApiPropertyOptional({ enum: ORGANISATION_KINDS })
  @IsOptional()
  @IsIn(ORGANISATION_KINDS)
  kind?: OrganisationKind;
}
