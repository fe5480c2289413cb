import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
} from 'class-validator';
import { type ExportFormat, type Lang, LANGS, PageQueryDto, QueryBoolean } from '@liftwatch/contract';
import { CLAIM_STATUSES, type ClaimStatus, type StageAge } from './claim-workflow';
import { type EvidenceBundle } from './evidence';
import { type EntrapmentTier, type SuggestedPayout } from './payout';

export const INCIDENT_TYPES = [
  'entrapment',
  'injury',
  'property_damage',
  'equipment_damage',
  'other',
] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];
export const DOCUMENT_KINDS = [
  'photo',
  'invoice',
  'medical_report',
  'incident_report',
  'video',
  'other',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export class FileClaimDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  policyId!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  elevatorId!: string;

  @ApiProperty({ example: '2026-11-20T08:15:00+08:00' })
  @IsISO8601({ strict: true })
  incidentAt!: string;

  @ApiProperty({ enum: INCIDENT_TYPES })
  @IsIn(INCIDENT_TYPES)
  incidentType!: IncidentType;

  @ApiProperty({ example: '两名住户被困轿厢约半小时，一人轻微擦伤' })
  @IsString()
  @Length(1, 4000)
  description!: string;

  @ApiPropertyOptional({ example: 2, default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(50)
  peopleAffected?: number;

  @ApiPropertyOptional({ example: 100000, description: 'amount claimed, fen' })
  @IsOptional()
  @IsInt()
  @Min(0)
  claimedAmountFen?: number;

  @ApiPropertyOptional({
    type: [String],
    description:
      "the elevator's alarms about the incident; default: its alarms within two hours of incidentAt",
  })
  @IsOptional()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  alarmIds?: string[];

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'the alarm that is the incident, when the claimant names it; otherwise the platform takes the one covering incidentAt (or beginning nearest before it, within 30 min)',
  })
  @IsOptional()
  @IsUUID()
  incidentAlarmId?: string;
}

/** The claimant or the handler names another alarm as the incident: the evidence is frozen again. */
export class IncidentAlarmDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  alarmId!: string;

  @ApiProperty({ example: '报案时间有误，实际困人为 17:36 那一次', minLength: 4 })
  @IsString()
  @Length(4, 1000)
  reason!: string;
}

export class ClaimActionDto {
  @ApiPropertyOptional({ example: '已远程视频查勘' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  note?: string;

  @ApiPropertyOptional({ enum: ['accepted', 'partial'], description: 'decide_liability (deny by reject)' })
  @IsOptional()
  @IsIn(['accepted', 'partial'])
  liability?: 'accepted' | 'partial';

  @ApiPropertyOptional({ example: 100000, description: 'assess / pay: amount in fen' })
  @IsOptional()
  @IsInt()
  @Min(0)
  amountFen?: number;

  @ApiPropertyOptional({ example: '事故不在保险责任范围内', description: 'reject: required' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  reason?: string;
}

export class ClaimQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CLAIM_STATUSES })
  @IsOptional()
  @IsIn(CLAIM_STATUSES)
  status?: ClaimStatus;

  @ApiPropertyOptional({ description: 'only claims not yet closed or rejected' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  open?: boolean;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  elevatorId?: string;
}

export class ClaimExportQueryDto {
  @ApiPropertyOptional({ enum: CLAIM_STATUSES })
  @IsOptional()
  @IsIn(CLAIM_STATUSES)
  status?: ClaimStatus;

  @ApiPropertyOptional({ description: 'only claims not yet closed or rejected' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  open?: boolean;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  elevatorId?: string;

  @ApiPropertyOptional({ enum: ['csv', 'xlsx'], default: 'xlsx' })
  @IsOptional()
  @IsIn(['csv', 'xlsx'])
  format?: ExportFormat;

  @ApiPropertyOptional({ enum: LANGS, default: 'zh-CN' })
  @IsOptional()
  @IsIn(LANGS)
  lang?: Lang;
}

export class UploadDocumentDto {
  @ApiProperty({ enum: DOCUMENT_KINDS })
  @IsIn(DOCUMENT_KINDS)
  kind!: DocumentKind;
}

export class DocumentView {
  id!: string;
  kind!: DocumentKind;
  filename!: string;
  contentType!: string;
  sizeBytes!: number;
  sha256!: string;
  uploadedBy!: string;
  uploadedAt!: string;
}

export class EntrapmentTierView implements EntrapmentTier {
  /** at least this long trapped */
  minMinutes!: number;
  payoutFenPerPerson!: number;
}

/** The payout the policy's entrapment tiers suggest for the IoT-measured trapped time. */
export class SuggestedPayoutView implements SuggestedPayout {
  trappedSeconds!: number;
  trappedMinutes!: number;
  tier!: EntrapmentTierView | null;
  people!: number;
  perPersonFen!: number;
  totalFen!: number;
  /** the bound applied, when a per-incident limit cut the total */
  cappedByLimitFen!: number | null;
}

export class ClaimView {
  id!: string;
  claimNumber!: string;
  policyId!: string;
  policyNumber!: string;
  insurerId!: string;
  elevatorId!: string;
  claimantKind!: string;
  filedBy!: string;
  incidentAt!: string;
  incidentType!: IncidentType;
  description!: string;
  peopleAffected!: number;
  claimedAmountFen!: number | null;
  alarmIds!: string[];
  status!: ClaimStatus;
  statusChangedAt!: string;
  /** hours in the current stage */
  ageHours!: number;
  slaOverdue!: boolean;
  liability!: string | null;
  assessedAmountFen!: number | null;
  paidAmountFen!: number | null;
  paidAt!: string | null;
  rejectionReason!: string | null;
  evidenceHash!: string;
  suggestedPayout!: SuggestedPayoutView | null;
  createdAt!: string;
}

export class ClaimEventView {
  at!: string;
  fromStatus!: string | null;
  toStatus!: string;
  actor!: string;
  role!: string;
  note!: string | null;
}

export class StageAgeView implements StageAge {
  status!: ClaimStatus;
  enteredAt!: string;
  leftAt!: string | null;
  hours!: number;
  slaHours!: number | null;
  overdue!: boolean;
}

export class ClaimDetail extends ClaimView {
  events!: ClaimEventView[];
  stages!: StageAgeView[];
  documents!: DocumentView[];
}

export class EvidenceVersionView {
  version!: number;
  hash!: string;
  frozenAt!: string;
  @ApiProperty({ nullable: true, type: String }) chosenBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
}

export class EvidenceView {
  claimId!: string;
  hash!: string;
  frozenAt!: string;
  /** the stored bundle still hashes to the hash recorded when it was frozen */
  intact!: boolean;
  /** 1 at filing; a later one when someone named another alarm as the incident */
  version!: number;
  /** every version frozen, oldest first, with who named the incident and why */
  @ApiProperty({ type: () => [EvidenceVersionView] })
  versions!: EvidenceVersionView[];
  /** the canonical JSON frozen at filing (alarm timelines, telemetry window, maintenance chain, inspection) */
  @ApiProperty({ type: 'object', additionalProperties: true })
  bundle!: EvidenceBundle;
}

export class ClaimTotals {
  period!: string;
  filed!: number;
  open!: number;
  rejected!: number;
  paid!: number;
  assessedFen!: number;
  paidFen!: number;
}
