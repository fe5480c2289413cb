import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'buildings' })
export class BuildingEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'region_code', type: 'text' }) regionCode!: string;
  /** 小区: the residential community the building belongs to. */
  @Column({ type: 'text' }) community!: string;
  /** 楼栋: building name or number within the community. */
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) address!: string;
  @Column({ name: 'built_year', type: 'integer', nullable: true }) builtYear!: number | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** 单元: a stairwell of a building with its own flats — the usual scope of one retrofit elevator. */
@Entity({ name: 'units' })
export class UnitEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'building_id', type: 'uuid' }) buildingId!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ name: 'floor_count', type: 'integer' }) floorCount!: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
