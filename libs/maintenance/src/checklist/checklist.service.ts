import { Injectable } from '@nestjs/common';
import { AuditService, type Principal } from '@liftwatch/access';
import { NotFoundError } from '@liftwatch/contract';
import { Sql } from '@liftwatch/database';
import {
  type ChecklistItem,
  type ChecklistItemDto,
  type ChecklistItemState,
  type UpdateChecklistItemDto,
} from '../maintenance.dto';
import { type Level, LEVELS } from '../plan/levels';

const COLUMNS = `id, code, level, title_zh AS "titleZh", title_en AS "titleEn", requirement, position`;

/**
 * The TSG T5002 checklist as data: items per level (cumulative), editable by admins, audited. A
 * routine record must report every active item up to its level.
 */
@Injectable()
export class ChecklistService {
  constructor(
    private readonly sql: Sql,
    private readonly audit: AuditService,
  ) {}

  /** Active traction-elevator items of `level` and below, in checklist order. */
  list(level: Level): Promise<ChecklistItem[]> {
    return this.sql.query<ChecklistItem>(
      `SELECT ${COLUMNS} FROM maintenance_checklist_items
        WHERE elevator_type = 'traction' AND active AND level IN (:...levels)
        ORDER BY position`,
      { levels: LEVELS.slice(0, LEVELS.indexOf(level) + 1) },
    );
  }

  add(p: Principal, dto: ChecklistItemDto): Promise<ChecklistItem> {
    return this.sql.transaction(async (tx) => {
      const row = await this.sql.one<ChecklistItem>(
        `INSERT INTO maintenance_checklist_items (level, code, title_zh, title_en, requirement, position)
         VALUES (:level, :code, :titleZh, :titleEn, :requirement,
                 (SELECT coalesce(max(position), 0) + 1 FROM maintenance_checklist_items))
         RETURNING ${COLUMNS}`,
        { ...dto },
        tx,
      );
      if (!row) throw new Error('checklist insert returned nothing');
      await this.audit.record(tx, p, 'checklist_item.create', 'checklist_item', row.id, { after: dto });
      return row;
    });
  }

  update(p: Principal, id: string, dto: UpdateChecklistItemDto): Promise<ChecklistItemState> {
    return this.sql.transaction(async (tx) => {
      const row = await this.sql.one<ChecklistItemState>(
        `WITH u AS (
           UPDATE maintenance_checklist_items
              SET title_zh = coalesce(:titleZh, title_zh), title_en = coalesce(:titleEn, title_en),
                  requirement = coalesce(:requirement, requirement), active = coalesce(:active, active),
                  updated_at = now()
            WHERE id = :id
           RETURNING ${COLUMNS}, active)
         SELECT * FROM u`,
        {
          id,
          titleZh: dto.titleZh ?? null,
          titleEn: dto.titleEn ?? null,
          requirement: dto.requirement ?? null,
          active: dto.active ?? null,
        },
        tx,
      );
      if (!row) throw new NotFoundError('Checklist item', id);
      await this.audit.record(tx, p, 'checklist_item.update', 'checklist_item', id, { ...dto });
      return row;
    });
  }
}
