import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { MetricsService } from '@liftwatch/observability';
import { type Principal, SYSTEM_PRINCIPAL } from '../auth/principal';
import { AuditEntryEntity } from './audit-entry.entity';

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
    @InjectDataSource() private readonly ds: DataSource,
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
    await em.query(
      `INSERT INTO audit_log (actor_user_id, actor_username, actor_role, action, entity_type, entity_id, changes, request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)`,
      [
        isSystem ? null : actor.userId,
        actor.username,
        isSystem ? 'system' : actor.role,
        action,
        entityType,
        entityId,
        JSON.stringify(scrub(changes)),
        actor.requestId ?? null,
      ],
    );
    this.metrics.auditEntries.inc({ action });
  }

  async list(query: AuditQuery): Promise<{ items: AuditEntryEntity[]; total: number }> {
    const qb = this.ds.getRepository(AuditEntryEntity).createQueryBuilder('a');
    if (query.entityType) qb.andWhere('a.entity_type = :entityType', { entityType: query.entityType });
    if (query.entityId) qb.andWhere('a.entity_id = :entityId', { entityId: query.entityId });
    if (query.actorUserId) qb.andWhere('a.actor_user_id = :actor', { actor: query.actorUserId });
    const [items, total] = await qb
      .orderBy('a.id', 'DESC')
      .take(query.limit)
      .skip(query.offset)
      .getManyAndCount();
    return { items, total };
  }
}
