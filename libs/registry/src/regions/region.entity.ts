import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { type RegionLevel } from './region-code.util';

@Entity({ name: 'regions' })
export class RegionEntity {
  @PrimaryColumn({ type: 'text' }) code!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ name: 'name_en', type: 'text', nullable: true }) nameEn!: string | null;
  @Column({ type: 'text' }) level!: RegionLevel;
  @Column({ name: 'parent_code', type: 'text', nullable: true }) parentCode!: string | null;
  @Column({ name: 'rescue_arrival_limit_min', type: 'integer' }) rescueArrivalLimitMin!: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
