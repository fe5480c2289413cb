import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { numericTransformer } from '@liftwatch/database';

export const ELEVATOR_STATUSES = ['in_service', 'out_of_service', 'decommissioned'] as const;
export type ElevatorStatus = (typeof ELEVATOR_STATUSES)[number];

@Entity({ name: 'elevators' })
export class ElevatorEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'unit_id', type: 'uuid' }) unitId!: string;
  /** 注册代码 */
  @Column({ name: 'registration_code', type: 'varchar', length: 20 }) registrationCode!: string;
  /** 设备代码 (manufacturer's equipment code) */
  @Column({ name: 'equipment_code', type: 'text', nullable: true }) equipmentCode!: string | null;
  /** 使用登记证编号 */
  @Column({ name: 'use_certificate_no', type: 'text', nullable: true }) useCertificateNo!: string | null;
  /** Rescue identification code on the sign in the car (city emergency platform). */
  @Column({ name: 'rescue_code', type: 'text', nullable: true }) rescueCode!: string | null;
  @Column({ name: 'manufacturer_id', type: 'uuid', nullable: true }) manufacturerId!: string | null;
  @Column({ name: 'installer_id', type: 'uuid', nullable: true }) installerId!: string | null;
  @Column({ type: 'text', nullable: true }) model!: string | null;
  @Column({ name: 'commissioned_on', type: 'date', nullable: true }) commissionedOn!: string | null;
  @Column({ name: 'served_floors', type: 'integer', array: true }) servedFloors!: number[];
  @Column({ name: 'rated_load_kg', type: 'integer', nullable: true }) ratedLoadKg!: number | null;
  @Column({
    name: 'rated_speed_mps',
    type: 'numeric',
    precision: 4,
    scale: 2,
    nullable: true,
    transformer: numericTransformer,
  })
  ratedSpeedMps!: number | null;
  @Column({ type: 'text' }) status!: ElevatorStatus;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

export const ASSIGNMENT_KINDS = ['maintenance', 'insurance'] as const;
export type AssignmentKind = (typeof ASSIGNMENT_KINDS)[number];

/** Which maintenance firm or insurer serves an elevator over a period (valid_to exclusive). */
@Entity({ name: 'elevator_assignments' })
export class ElevatorAssignmentEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'elevator_id', type: 'uuid' }) elevatorId!: string;
  @Column({ name: 'organisation_id', type: 'uuid' }) organisationId!: string;
  @Column({ type: 'text' }) kind!: AssignmentKind;
  @Column({ name: 'valid_from', type: 'date' }) validFrom!: string;
  @Column({ name: 'valid_to', type: 'date', nullable: true }) validTo!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
