import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService, type Principal } from '@liftwatch/access';
import { ConflictError, ForbiddenError, NotFoundError } from '@liftwatch/contract';
import { VisibilityRepository } from '@liftwatch/registry';
import { FAULT_CODES } from '@liftwatch/telemetry';
import { type AlarmAction, type AlarmStatus, transition } from './alarm-lifecycle';
import { AlarmRepository, type AlarmRow } from './alarm.repository';
import { AlarmBus, type AlarmDetail, AlarmView, TimelineEntry } from './alarm-view';

export interface AlarmQuery {
  status?: 'open' | 'closed' | AlarmStatus;
  type?: string;
  elevatorId?: string;
  limit: number;
  offset: number;
}

export interface FaultRateRow {
  manufacturerId: string | null;
  manufacturer: string | null;
  model: string | null;
  elevators: number;
  faults: number;
  faultsPerElevator: number;
}

/** Roles that act on alarms: the maintenance firm (on elevators it maintains) and admins. */
const RESPONDERS = new Set(['admin', 'firm']);

@Injectable()
export class AlarmsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: AlarmRepository,
    private readonly visibility: VisibilityRepository,
    private readonly audit: AuditService,
    private readonly bus: AlarmBus,
  ) {}

  async list(p: Principal, q: AlarmQuery): Promise<[AlarmView[], number]> {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    const filter = this.visibility.elevators(p);
    if (filter) {
      where.push(`a.elevator_id IN (${filter.sql})`);
      Object.assign(params, filter.params);
    }
    if (q.status === 'open') where.push(`a.status NOT IN ('resolved', 'false_alarm')`);
    else if (q.status === 'closed') where.push(`a.status IN ('resolved', 'false_alarm')`);
    else if (q.status) {
      where.push('a.status = :status');
      params.status = q.status;
    }
    if (q.type) {
      where.push('a.type = :type');
      params.type = q.type;
    }
    if (q.elevatorId) {
      where.push('a.elevator_id = :elevatorId');
      params.elevatorId = q.elevatorId;
    }
    const cond = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [sql, values] = this.ds.driver.escapeQueryWithParameters(
      `SELECT a.*, count(*) OVER () AS total FROM alarms a ${cond}
        ORDER BY (a.status IN ('resolved', 'false_alarm')), a.severity = 'critical' DESC, a.opened_at DESC
        LIMIT :limit OFFSET :offset`,
      { ...params, limit: q.limit, offset: q.offset },
      {},
    );
    const rows: Array<AlarmRow & { total: string }> = await this.ds.query(sql, values);
    return [rows.map((r) => AlarmView.of(r)), Number(rows[0]?.total ?? 0)];
  }

  async get(p: Principal, id: string): Promise<AlarmDetail> {
    const alarm = await this.find(p, id);
    const timeline = await this.repo.timeline(this.ds.manager, id);
    return { ...AlarmView.of(alarm), timeline: timeline.map((t) => TimelineEntry.of(t)) };
  }

  /** A step of the alarm's handling, timestamped with who did it (timeline and audit log). */
  async act(p: Principal, id: string, action: AlarmAction, note: string | undefined): Promise<AlarmDetail> {
    const alarm = await this.find(p, id);
    if (!RESPONDERS.has(p.role))
      throw new ForbiddenError(`role ${p.role} may not act on alarms`, 'ROLE_NOT_ALLOWED');
    const step = transition(alarm.status as AlarmStatus, action);
    if (!step.ok) throw new ConflictError('ALARM_TRANSITION_REFUSED', step.reason);
    const updated = await this.ds.transaction(async (em) => {
      const after = await this.repo.setStatus(em, id, alarm.status, step.to);
      if (!after) throw new ConflictError('ALARM_CHANGED', 'the alarm was changed meanwhile; reload it');
      await this.repo.append(em, id, step.to, p.userId, p.username, note ?? null, { from: alarm.status });
      await this.audit.record(em, p, `alarm.${action}`, 'alarm', id, {
        before: { status: alarm.status },
        after: { status: step.to },
        note,
      });
      return after;
    });
    this.bus.publish([AlarmView.of(updated)]);
    return this.get(p, id);
  }

  /**
   * Device-reported faults per manufacturer and model over a period (the manufacturer's lifetime
   * responsibility for quality tracking), over the elevators the caller sees.
   */
  async faultRates(p: Principal, from: Date, to: Date): Promise<FaultRateRow[]> {
    const filter = this.visibility.elevators(p);
    const [sql, values] = this.ds.driver.escapeQueryWithParameters(
      `SELECT e.manufacturer_id, o.name AS manufacturer, e.model, count(DISTINCT e.id) AS elevators,
              count(ev.ts) AS faults
         FROM elevators e
         LEFT JOIN organisations o ON o.id = e.manufacturer_id
         LEFT JOIN device_events ev ON ev.elevator_id = e.id AND ev.state = 'set' AND ev.code IN (:...codes)
                                   AND ev.ts >= :from AND ev.ts < :to
        ${filter ? `WHERE e.id IN (${filter.sql})` : ''}
        GROUP BY e.manufacturer_id, o.name, e.model
        ORDER BY count(ev.ts)::float / count(DISTINCT e.id) DESC, o.name, e.model`,
      { ...(filter?.params ?? {}), codes: FAULT_CODES, from, to },
      {},
    );
    const rows: Array<{
      manufacturer_id: string | null;
      manufacturer: string | null;
      model: string | null;
      elevators: string;
      faults: string;
    }> = await this.ds.query(sql, values);
    return rows.map((r) => ({
      manufacturerId: r.manufacturer_id,
      manufacturer: r.manufacturer,
      model: r.model,
      elevators: Number(r.elevators),
      faults: Number(r.faults),
      faultsPerElevator: Math.round((Number(r.faults) / Number(r.elevators)) * 100) / 100,
    }));
  }

  private async find(p: Principal, id: string): Promise<AlarmRow> {
    const rows: AlarmRow[] = await this.ds.query(`SELECT * FROM alarms WHERE id = $1`, [id]);
    const alarm = rows[0];
    if (!alarm || !(await this.visibility.canSeeElevator(p, alarm.elevator_id)))
      throw new NotFoundError('Alarm', id);
    return alarm;
  }
}
