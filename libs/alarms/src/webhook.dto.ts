import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches } from 'class-validator';

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://dispatch.example.com/liftwatch' })
  @Matches(/^https?:\/\/[^\s]{3,2000}$/, { message: 'url must be an http(s) URL' })
  url!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'admins: the organisation; others: their own' })
  @IsOptional()
  @IsUUID()
  organisationId?: string;

  @ApiPropertyOptional({
    description:
      'Standard Webhooks signing secret (`whsec_` + base64 of 24–64 random bytes); generated when absent',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  })
  @IsOptional()
  @IsString()
  @Matches(/^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/, {
    message: 'secret must be whsec_ followed by the base64 of 24 to 64 random bytes',
  })
  secret?: string;
}

export class WebhookView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) organisationId!: string;
  @ApiProperty() url!: string;
  @ApiProperty() active!: boolean;
  @ApiProperty() createdAt!: Date;
}

/** A new webhook: the signing secret is shown this once. */
export class WebhookCreated {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ format: 'uuid' }) organisationId!: string;
  @ApiProperty({ description: 'Standard Webhooks secret (whsec_…); not shown again' }) secret!: string;
}

export class WebhookDeliveryView {
  @ApiProperty({ format: 'uuid', description: 'also the webhook-id header' }) id!: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) alarmId!: string | null;
  @ApiProperty({ example: 'opened' }) event!: string;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: Number }) lastStatusCode!: number | null;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty() nextAttemptAt!: Date;
  @ApiProperty({ nullable: true, type: Date }) deliveredAt!: Date | null;
  @ApiProperty() createdAt!: Date;
}
