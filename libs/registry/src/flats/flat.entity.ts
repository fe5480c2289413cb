import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { numericTransformer } from '@liftwatch/database';

@Entity({ name: 'flats' })
export class FlatEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'unit_id', type: 'uuid' }) unitId!: string;
  @Column({ type: 'text' }) number!: string;
  @Column({ type: 'integer' }) floor!: number;
  /** Exclusive floor area (专有部分面积) in m², as on the property certificate. */
  @Column({ name: 'area_m2', type: 'numeric', precision: 8, scale: 2, transformer: numericTransformer })
  areaM2!: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** An ownership period of a flat: valid_from inclusive, valid_to exclusive, NULL = current. */
@Entity({ name: 'flat_ownerships' })
export class FlatOwnershipEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'flat_id', type: 'uuid' }) flatId!: string;
  @Column({ name: 'owner_id', type: 'uuid' }) ownerId!: string;
  @Column({ name: 'share_percent', type: 'numeric', precision: 5, scale: 2, transformer: numericTransformer })
  sharePercent!: number;
  @Column({ name: 'valid_from', type: 'date' }) validFrom!: string;
  @Column({ name: 'valid_to', type: 'date', nullable: true }) validTo!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
