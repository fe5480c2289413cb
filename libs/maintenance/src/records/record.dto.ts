import { type ChainProblem } from './record-chain';
import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto, TimeRangeQueryDto } from '@liftwatch/contract';
import { type Level, LEVELS } from '../plan/levels';

export const ITEM_RESULTS = ['ok', 'adjusted', 'replaced', 'defect', 'not_applicable'] as const;
export type ItemResult = (typeof ITEM_RESULTS)[number];
export const RECORD_KINDS = ['routine', 'repair', 'correction'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export class TechnicianDto {
  @ApiProperty({ example: '李工' })
  @IsString()
  @Length(1, 50)
  name!: string;

  @ApiProperty({ example: 'T1-440100-2019-0001', description: 'special-equipment operator certificate' })
  @IsString()
  @Length(1, 50)
  certificateNumber!: string;
}

export class ItemDto {
  @ApiProperty({ example: 'A01' })
  @Matches(/^[A-Za-z0-9-]{1,20}$/, { message: 'code must be a checklist item code' })
  code!: string;

  @ApiProperty({ enum: ITEM_RESULTS })
  @IsIn(ITEM_RESULTS)
  result!: ItemResult;

  @ApiPropertyOptional({ example: '制动器间隙调整至 0.5 mm' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  note?: string;
}

export class PartDto {
  @ApiProperty({ example: '门机皮带' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(1)
  @Max(1000)
  quantity!: number;

  @ApiPropertyOptional({ example: 18000, description: 'cost in fen, when charged outside the contract' })
  @IsOptional()
  @IsInt()
  @Min(0)
  costFen?: number;
}

/**
 * The owners' safety manager (or the 使用单位's) countersigning on the technician's phone at the
 * car: their name and the SHA-256 of the signature drawn on the screen, uploaded like a photo.
 */
export class OnSiteCountersignDto {
  @ApiProperty({ example: '王五' })
  @IsString()
  @Length(1, 50)
  signerName!: string;

  @ApiPropertyOptional({ example: '安全管理员', default: '安全管理员' })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  signerTitle?: string;

  @ApiProperty({
    description:
      'SHA-256 of the signature image uploaded for the elevator (POST /elevators/{id}/maintenance-photos)',
  })
  @Matches(/^[0-9a-f]{64}$/, { message: 'signature is the SHA-256 (hex) of an uploaded signature image' })
  signature!: string;
}

export class CreateRecordDto {
  @ApiProperty({ enum: RECORD_KINDS })
  @IsIn(RECORD_KINDS)
  kind!: RecordKind;

  @ApiPropertyOptional({ enum: LEVELS, description: 'required for routine maintenance' })
  @IsOptional()
  @IsIn(LEVELS)
  level?: Level;

  @ApiPropertyOptional({ format: 'uuid', description: 'the record a correction replaces' })
  @IsOptional()
  @IsUUID()
  correctsId?: string;

  @ApiProperty({ example: '2026-11-20T09:00:00+08:00', description: 'arrival on site' })
  @IsISO8601({ strict: true })
  arrivedAt!: string;

  @ApiProperty({ example: '2026-11-20T10:10:00+08:00', description: 'departure from site' })
  @IsISO8601({ strict: true })
  departedAt!: string;

  @ApiProperty({ type: [TechnicianDto] })
  @ArrayMinSize(1)
  @ArrayMaxSize(6)
  @ValidateNested({ each: true })
  @Type(() => TechnicianDto)
  technicians!: TechnicianDto[];

  @ApiProperty({ type: [ItemDto], description: 'every checklist item of the level and the levels below' })
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => ItemDto)
  items!: ItemDto[];

  @ApiPropertyOptional({ example: '调整层门门锁啮合长度' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  adjustments?: string;

  @ApiPropertyOptional({ type: [PartDto] })
  @IsOptional()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => PartDto)
  parts?: PartDto[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  remarks?: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'SHA-256 of photos uploaded for the elevator (POST /elevators/{id}/maintenance-photos)',
  })
  @IsOptional()
  @ArrayMaxSize(20)
  @Matches(/^[0-9a-f]{64}$/, { each: true, message: 'each photo is the SHA-256 (hex) of an uploaded photo' })
  photos?: string[];

  @ApiPropertyOptional({
    format: 'uuid',
    description: "the phone's own reference: sending the same record again returns the stored one",
  })
  @IsOptional()
  @IsUUID()
  clientRef?: string;

  @ApiPropertyOptional({
    type: () => OnSiteCountersignDto,
    description: "the owners' countersignature given on the technician's phone at the car",
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => OnSiteCountersignDto)
  countersignature?: OnSiteCountersignDto;
}

/** A multipart upload as multer hands it over. */
export interface UploadedFile {
  originalname: string;
  size: number;
  buffer: Buffer;
}

export class PhotoView {
  sha256!: string;
  contentType!: string;
  sizeBytes!: number;
}

export class CountersignDto {
  @ApiProperty({ example: '王五', description: "the owners' elevator safety manager" })
  @IsString()
  @Length(1, 50)
  signerName!: string;

  @ApiPropertyOptional({ example: '安全管理员', default: '安全管理员' })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  signerTitle?: string;

  @ApiPropertyOptional({ example: '已确认维保完成' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  comment?: string;
}

export class RecordQueryDto extends IntersectionType(PageQueryDto, TimeRangeQueryDto) {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  elevatorId?: string;

  @ApiPropertyOptional({ enum: ['verified', 'unverified'], description: 'IoT verification of the visit' })
  @IsOptional()
  @IsIn(['verified', 'unverified'])
  iot?: 'verified' | 'unverified';
}

export class IotVerification {
  status!: 'verified' | 'unverified';
  inspectionModeSamples!: number;
  samplesOnSite!: number;
  reason!: string;
}

export class CountersignatureView {
  signerName!: string;
  signerTitle!: string;
  comment!: string | null;
  signedAt!: string;
  @ApiProperty({
    enum: ['account', 'on_site'],
    description: "signed with the owner's account, or on the technician's phone at the car",
  })
  signedOn!: 'account' | 'on_site';
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'SHA-256 of the signature image (on-site signatures)',
  })
  signatureSha256!: string | null;
}

export class RecordView {
  id!: string;
  elevatorId!: string;
  seq!: number;
  @ApiProperty({ enum: RECORD_KINDS })
  kind!: RecordKind;
  level!: Level | null;
  correctsId!: string | null;
  correctedById!: string | null;
  contractId!: string | null;
  firmId!: string;
  arrivedAt!: string;
  departedAt!: string;
  elevatorSnapshot!: Record<string, unknown>;
  technicians!: TechnicianDto[];
  items!: ItemDto[];
  adjustments!: string | null;
  parts!: PartDto[];
  remarks!: string | null;
  @ApiProperty({ type: [String], description: 'SHA-256 of the visit photos' })
  photos!: string[];
  recordedAt!: string;
  recordedBy!: string;
  prevHash!: string | null;
  hash!: string;
  countersignature!: CountersignatureView | null;
  iot!: IotVerification;
}

export class ChainProblemView {
  recordId!: string;
  seq!: number;
  problem!: ChainProblem | 'countersignature_changed';
}

export class ChainReport {
  elevatorId!: string;
  valid!: boolean;
  records!: number;
  problems!: ChainProblemView[];
  verifiedAt!: string;
}
