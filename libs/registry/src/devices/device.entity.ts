/** A retrofit controller / IoT gateway reporting for one elevator. */
export class DeviceEntity {
  id!: string;
  serial!: string;
  elevatorId!: string;
  secretHash!: string;
  firmware!: string | null;
  createdAt!: Date;
  secretRotatedAt!: Date;
  revokedAt!: Date | null;
}
