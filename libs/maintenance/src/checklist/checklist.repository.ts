import { Injectable } from '@nestjs/common';
import { type Db, SqlRepository } from '@liftwatch/database';
import {
  type ChecklistItem,
  type ChecklistItemDto,
  type ChecklistItemState,
  type UpdateChecklistItemDto,
} from '../maintenance.dto';
import { type Level } from '../plan/levels';

const COLUMNS = `id, code, level, title_zh AS "titleZh", title_en AS "titleEn", requirement, position,
  safety_critical AS "safetyCritical"`;

/** Every query of the TSG T5002 checklist items. */
@Injectable()
export class ChecklistRepository extends SqlRepository {
  /** Active traction-elevator items of the given levels, in checklist order. */
  active(levels: readonly Level[]): Promise<ChecklistItem[]> {
    return this.sql.query<ChecklistItem>(
      `SELECT ${COLUMNS} FROM maintenance_checklist_items
        WHERE elevator_type = 'traction' AND active AND level IN (:...levels)
        ORDER BY position`,
      { levels },
    );
  }

  /** Appends an item at the end of the checklist. */
  async insert(tx: Db, dto: ChecklistItemDto): Promise<ChecklistItem> {
    const row = await this.sql.one<ChecklistItem>(
      `INSERT INTO maintenance_checklist_items (level, code, title_zh, title_en, requirement, safety_critical, position)
       VALUES (:level, :code, :titleZh, :titleEn, :requirement, :safetyCritical,
               (SELECT coalesce(max(position), 0) + 1 FROM maintenance_checklist_items))
       RETURNING ${COLUMNS}`,
      { ...dto, safetyCritical: dto.safetyCritical ?? false },
      tx,
    );
    if (!row) throw new Error('checklist insert returned nothing');
    return row;
  }

  update(tx: Db, id: string, dto: UpdateChecklistItemDto): Promise<ChecklistItemState | undefined> {
    return this.sql.one<ChecklistItemState>(
      `WITH u AS (
         UPDATE maintenance_checklist_items
            SET title_zh = coalesce(:titleZh, title_zh), title_en = coalesce(:titleEn, title_en),
                requirement = coalesce(:requirement, requirement), active = coalesce(:active, active),
                safety_critical = coalesce(:safetyCritical, safety_critical), updated_at = now()
          WHERE id = :id
         RETURNING ${COLUMNS}, active)
       SELECT * FROM u`,
      {
        id,
        titleZh: dto.titleZh ?? null,
        titleEn: dto.titleEn ?? null,
        requirement: dto.requirement ?? null,
        active: dto.active ?? null,
        safetyCritical: dto.safetyCritical ?? null,
      },
      tx,
    );
  }
}
