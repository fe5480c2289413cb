import { type NotificationKind } from './notifications.service';
export class NotificationView {
  id!: string;
  kind!: NotificationKind;
  elevatorId!: string | null;
  recipientOrganisationId!: string | null;
  recipientUnitId!: string | null;
  title!: string;
  data!: Record<string, unknown>;
  createdAt!: string;
}
