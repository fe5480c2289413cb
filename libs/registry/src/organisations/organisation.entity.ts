import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const ORGANISATION_KINDS = [
  'maintenance_firm',
  'insurer',
  'manufacturer',
  'installer',
  'designer',
  'constructor',
] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/** Credit ratings of maintenance firms as published by market regulators, best first. */
export const CREDIT_RATINGS = ['A', 'B', 'C', 'D'] as const;
export type CreditRating = (typeof CREDIT_RATINGS)[number];

@Entity({ name: 'organisations' })
export class OrganisationEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'text' }) kind!: OrganisationKind;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text', nullable: true }) uscc!: string | null;
  @Column({ name: 'licence_number', type: 'text', nullable: true }) licenceNumber!: string | null;
  @Column({ name: 'licence_valid_until', type: 'date', nullable: true }) licenceValidUntil!: string | null;
  @Column({ name: 'credit_rating', type: 'text', nullable: true }) creditRating!: CreditRating | null;
  @Column({ name: 'region_code', type: 'text', nullable: true }) regionCode!: string | null;
  @Column({ name: 'duty_phone', type: 'text', nullable: true }) dutyPhone!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
