import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A retrofit controller / IoT gateway reporting for one elevator. */
@Entity({ name: 'devices' })
export class DeviceEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'text' }) serial!: string;
  @Column({ name: 'elevator_id', type: 'uuid' }) elevatorId!: string;
  @Column({ name: 'secret_hash', type: 'text', select: false }) secretHash!: string;
  @Column({ type: 'text', nullable: true }) firmware!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'secret_rotated_at', type: 'timestamptz' }) secretRotatedAt!: Date;
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true }) revokedAt!: Date | null;
}
