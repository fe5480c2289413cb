import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { Sql } from '@liftwatch/database';
import { MetricsService } from '@liftwatch/observability';
import { type Principal, SYSTEM_PRINCIPAL } from '../auth/principal';
import { type AuditEntryEntity } from './audit-entry.entity';

export interface AuditQuery {
  entityType?: string;
  entityId?: string;
  actorUserId?: string;
  limit: number;
  offset: number;
}

/** Keys that never reach the audit log, whatever a caller passes in `changes`. */
const SECRET_KEYS = new Set(['password', 'passwordHash', 'secret', 'secretHash']);

function scrub(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrub);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        SECRET_KEYS.has(k) ? '***' : scrub(v),
      ]),
    );
  }
  return value;
}

@Injectable()
export class AuditService {
  constructor(
    private readonly sql: Sql,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * Records who did what. Always pass the transaction's EntityManager: the entry commits or rolls
   * back together with the change it describes.
   */
  async record(
    em: EntityManager,
    actor: Principal,
    action: string,
    entityType: string,
    entityId: string,
    changes: Record<string, unknown> = {},
  ): Promise<void> {
    const isSystem = actor.userId === SYSTEM_PRINCIPAL.userId;
    await this.sql.query(
      `INSERT INTO audit_log (actor_user_id, actor_username, actor_role, action, entity_type, entity_id, changes, request_id)
       VALUES (:actorUserId, :actorUsername, :actorRole, :action, :entityType, :entityId, CAST(:changes AS jsonb), :requestId)`,
      {
        actorUserId: isSystem ? null : actor.userId,
        actorUsername: actor.username,
        actorRole: isSystem ? 'system' : actor.role,
        action,
        entityType,
        entityId,
        changes: JSON.stringify(scrub(changes)),
        requestId: actor.requestId ?? null,
      },
      em,
    );
    this.metrics.auditEntries.inc({ action });
  }

  async list(query: AuditQuery): Promise<{ items: AuditEntryEntity[]; total: number }> {
    const where = `WHERE (CAST(:entityType AS text) IS NULL OR a.entity_type = :entityType)
        AND (CAST(:entityId AS text) IS NULL OR a.entity_id = :entityId)
        AND (CAST(:actor AS uuid) IS NULL OR a.actor_user_id = CAST(:actor AS uuid))`;
    const params = {
      entityType: query.entityType ?? null,
      entityId: query.entityId ?? null,
      actor: query.actorUserId ?? null,
    };
    const count = await this.sql.one<{ n: string }>(`SELECT count(*) AS n FROM audit_log a ${where}`, params);
    const items = await this.sql.query<AuditEntryEntity>(
      `SELECT a.id::text AS id, a.at, a.actor_user_id AS "actorUserId", a.actor_username AS "actorUsername",
              a.actor_role AS "actorRole", a.action, a.entity_type AS "entityType", a.entity_id AS "entityId",
              a.changes, a.request_id AS "requestId"
         FROM audit_log a ${where} ORDER BY a.id DESC LIMIT :limit OFFSET :offset`,
      { ...params, limit: query.limit, offset: query.offset },
    );
    return { items, total: Number(count?.n ?? 0) };
  }
}
