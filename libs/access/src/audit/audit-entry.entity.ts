import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One row of the append-only audit log (UPDATE/DELETE/TRUNCATE are refused by a trigger). */
@Entity({ name: 'audit_log' })
export class AuditEntryEntity {
  @PrimaryColumn({ type: 'bigint', generatedIdentity: 'ALWAYS', insert: false }) id!: string;
  @Column({ type: 'timestamptz', insert: false }) at!: Date;
  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true }) actorUserId!: string | null;
  @Column({ name: 'actor_username', type: 'text' }) actorUsername!: string;
  @Column({ name: 'actor_role', type: 'text' }) actorRole!: string;
  @Column({ type: 'text' }) action!: string;
  @Column({ name: 'entity_type', type: 'text' }) entityType!: string;
  @Column({ name: 'entity_id', type: 'text' }) entityId!: string;
  @Column({ type: 'jsonb' }) changes!: Record<string, unknown>;
  @Column({ name: 'request_id', type: 'text', nullable: true }) requestId!: string | null;
}
