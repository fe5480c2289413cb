/** One row of the append-only audit log (UPDATE/DELETE/TRUNCATE are refused by a trigger). */
export class AuditEntryEntity {
  id!: string;
  at!: Date;
  actorUserId!: string | null;
  actorUsername!: string;
  actorRole!: string;
  action!: string;
  entityType!: string;
  entityId!: string;
  changes!: Record<string, unknown>;
  requestId!: string | null;
}
