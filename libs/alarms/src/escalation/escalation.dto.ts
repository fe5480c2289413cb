import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { ESCALATION_LEVELS, type EscalationLevel } from './escalation-chain';
import { type ContactRow, type EscalationMessageRow } from './escalation.repository';

export class CreateEscalationContactDto {
  @ApiProperty({
    enum: ESCALATION_LEVELS,
    description:
      'on_call: the firm’s on-call list (told one by one, by position); manager: the firm’s managers (told together); duty_line: a region’s duty line (told last)',
  })
  @IsIn(ESCALATION_LEVELS)
  level!: EscalationLevel;

  @ApiPropertyOptional({ minimum: 1, maximum: 99, default: 1, description: 'order within the level' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(99)
  position?: number;

  @ApiProperty({ example: '张工（一线值班）' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiPropertyOptional({
    example: '13800138000',
    description: 'texted (SMS); a phone or a webhook is required',
  })
  @IsOptional()
  @Matches(/^[0-9+\- ]{5,20}$/, { message: 'phone must be a phone number' })
  phone?: string;

  @ApiPropertyOptional({
    example: 'https://duty.example.com/page',
    description: 'receives the event as JSON',
  })
  @IsOptional()
  @Matches(/^https?:\/\/[^\s]{3,2000}$/, { message: 'webhookUrl must be an http(s) URL' })
  webhookUrl?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'on_call/manager: the firm (admins; firms: their own)',
  })
  @IsOptional()
  @IsUUID()
  organisationId?: string;

  @ApiPropertyOptional({
    example: '440106',
    description: 'duty_line: the region (admins; regulators: theirs or below)',
  })
  @IsOptional()
  @Matches(/^[0-9]{6}$/, { message: 'regionCode must be a 6-digit GB/T 2260 code' })
  regionCode?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'the platform user this contact is, if any' })
  @IsOptional()
  @IsUUID()
  userId?: string;
}

export class EscalationContactView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ nullable: true, type: String }) organisationId!: string | null;
  @ApiProperty({ nullable: true, type: String }) organisationName!: string | null;
  @ApiProperty({ nullable: true, type: String }) regionCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) regionName!: string | null;
  @ApiProperty({ enum: ESCALATION_LEVELS }) level!: EscalationLevel;
  @ApiProperty() position!: number;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ nullable: true, type: String }) webhookUrl!: string | null;
  @ApiProperty({ nullable: true, type: String }) userId!: string | null;
  @ApiProperty() createdAt!: string;

  static of(r: ContactRow): EscalationContactView {
    return {
      id: r.id,
      organisationId: r.organisationId,
      organisationName: r.organisationName,
      regionCode: r.regionCode,
      regionName: r.regionName,
      level: r.level,
      position: r.position,
      name: r.name,
      phone: r.phone,
      webhookUrl: r.webhookUrl,
      userId: r.userId,
      createdAt: new Date(r.createdAt).toISOString(),
    };
  }
}

/** One message of an alarm's escalation, with how its sending went. */
export class EscalationMessageView {
  @ApiProperty() step!: number;
  @ApiProperty({ enum: ESCALATION_LEVELS }) level!: EscalationLevel;
  @ApiProperty() contactName!: string;
  @ApiProperty({ enum: ['sms', 'webhook'] }) channel!: 'sms' | 'webhook';
  @ApiProperty({ description: 'phone (masked but the last four digits) or webhook host' }) recipient!: string;
  @ApiProperty({ enum: ['pending', 'sent', 'failed', 'skipped'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ nullable: true, type: String }) sentAt!: string | null;
  @ApiProperty() createdAt!: string;

  static of(m: EscalationMessageRow): EscalationMessageView {
    let recipient = m.recipient;
    if (m.channel === 'sms')
      recipient = `${'*'.repeat(Math.max(0, m.recipient.length - 4))}${m.recipient.slice(-4)}`;
    else {
      try {
        recipient = new URL(m.recipient).host;
      } catch {
        recipient = '—';
      }
    }
    return {
      step: m.step,
      level: m.level,
      contactName: m.contactName,
      channel: m.channel,
      recipient,
      status: m.status,
      attempts: m.attempts,
      lastError: m.lastError,
      sentAt: m.sentAt ? new Date(m.sentAt).toISOString() : null,
      createdAt: new Date(m.createdAt).toISOString(),
    };
  }
}
