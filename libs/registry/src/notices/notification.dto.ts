import { ApiProperty } from '@nestjs/swagger';

/**
 * What a notice is about. Reminders come from the daily maintenance job; the others as things
 * happen: a visit recorded, a statement issued, the elevator out of service.
 */
export const NOTIFICATION_KINDS = [
  'maintenance_due',
  'maintenance_overdue',
  'inspection_apply_by',
  'inspection_overdue',
  'visit_recorded',
  'statement_issued',
  // one owner's part of a statement (the owner alone reads it)
  'statement_due',
  'outage',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export class NotificationView {
  id!: string;
  @ApiProperty({ enum: NOTIFICATION_KINDS, enumName: 'NotificationKind' })
  kind!: NotificationKind;
  @ApiProperty({ nullable: true, type: String })
  elevatorId!: string | null;
  recipientOrganisationId!: string | null;
  recipientUnitId!: string | null;
  title!: string;
  data!: Record<string, unknown>;
  createdAt!: string;
}
