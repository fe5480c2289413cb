import { Injectable } from '@nestjs/common';
import { AuditService, type Principal } from '@liftwatch/access';
import { NotFoundError } from '@liftwatch/contract';
import {
  type ChecklistItem,
  type ChecklistItemDto,
  type ChecklistItemState,
  type UpdateChecklistItemDto,
} from '../maintenance.dto';
import { type Level, LEVELS } from '../plan/levels';
import { ChecklistRepository } from './checklist.repository';

/**
 * The TSG T5002 checklist as data: items per level (cumulative), editable by admins, audited. A
 * routine record must report every active item up to its level.
 */
@Injectable()
export class ChecklistService {
  constructor(
    private readonly items: ChecklistRepository,
    private readonly audit: AuditService,
  ) {}

  /** Active traction-elevator items of `level` and below, in checklist order. */
  list(level: Level): Promise<ChecklistItem[]> {
    return this.items.active(LEVELS.slice(0, LEVELS.indexOf(level) + 1));
  }

  add(p: Principal, dto: ChecklistItemDto): Promise<ChecklistItem> {
    return this.items.transaction(async (tx) => {
      const row = await this.items.insert(tx, dto);
      await this.audit.record(tx, p, 'checklist_item.create', 'checklist_item', row.id, { after: dto });
      return row;
    });
  }

  update(p: Principal, id: string, dto: UpdateChecklistItemDto): Promise<ChecklistItemState> {
    return this.items.transaction(async (tx) => {
      const row = await this.items.update(tx, id, dto);
      if (!row) throw new NotFoundError('Checklist item', id);
      await this.audit.record(tx, p, 'checklist_item.update', 'checklist_item', id, { ...dto });
      return row;
    });
  }
}
