import { Injectable } from '@nestjs/common';
import { AuditService, type Principal } from '@liftwatch/access';
import { businessDate } from '@liftwatch/calendar';
import {
  ConflictError,
  ForbiddenError,
  type FieldProblem,
  InvalidInputError,
  NotFoundError,
  RuleViolationError,
} from '@liftwatch/contract';
import { MaintenanceRepository } from '../maintenance.repository';
import { type Level, levelRank } from '../plan/levels';
import {
  type CountersignDto,
  type CreateRecordDto,
  type IotVerification,
  type ItemDto,
  type PartDto,
  type RecordQueryDto,
  type RecordView,
  type TechnicianDto,
} from './record.dto';
import { chainHash, verifyChain } from './record-chain';
import { type ChainReport } from './record.dto';

interface RecordRow {
  id: string;
  elevator_id: string;
  seq: number;
  kind: RecordView['kind'];
  level: Level | null;
  corrects_id: string | null;
  corrected_by_id: string | null;
  contract_id: string | null;
  firm_id: string;
  arrived_at: Date;
  departed_at: Date;
  elevator_snapshot: Record<string, unknown>;
  technicians: TechnicianDto[];
  items: ItemDto[];
  adjustments: string | null;
  parts: PartDto[];
  remarks: string | null;
  recorded_at: Date;
  recorded_by: string;
  prev_hash: string | null;
  hash: string;
  cs_signer_name: string | null;
  cs_signer_title: string | null;
  cs_comment: string | null;
  cs_signed_at: Date | null;
  insp_samples: string;
  samples: string;
}

// IoT counts: frozen ones once the visit is settled (see freeze_record_iot), live ones until then.
const SELECT_RECORD = `
  SELECT * FROM (
    SELECT r.*, (SELECT c.id FROM maintenance_records c WHERE c.corrects_id = r.id LIMIT 1) AS corrected_by_id,
           s.signer_name AS cs_signer_name, s.signer_title AS cs_signer_title, s.comment AS cs_comment,
           s.signed_at AS cs_signed_at,
           coalesce(fz.inspection_samples, live.insp) AS insp_samples, coalesce(fz.samples, live.total) AS samples
      FROM maintenance_records r
      LEFT JOIN maintenance_countersignatures s ON s.record_id = r.id
      LEFT JOIN maintenance_record_iot fz ON fz.record_id = r.id
      LEFT JOIN LATERAL (
        SELECT count(*) FILTER (WHERE t.mode = 2) AS insp, count(*) AS total
          FROM telemetry_status t
         WHERE fz.record_id IS NULL AND t.elevator_id = r.elevator_id AND t.ts >= r.arrived_at AND t.ts <= r.departed_at
      ) live ON true
  ) r`;

/** The content a record's hash covers: everything stored except the hash itself. */
function hashedContent(r: {
  elevatorId: string;
  seq: number;
  kind: string;
  level: string | null;
  correctsId: string | null;
  contractId: string | null;
  firmId: string;
  arrivedAt: Date;
  departedAt: Date;
  elevatorSnapshot: Record<string, unknown>;
  technicians: unknown;
  items: unknown;
  adjustments: string | null;
  parts: unknown;
  remarks: string | null;
  recordedAt: Date;
  recordedBy: string;
}): Record<string, unknown> {
  return {
    ...r,
    arrivedAt: r.arrivedAt.toISOString(),
    departedAt: r.departedAt.toISOString(),
    recordedAt: r.recordedAt.toISOString(),
  };
}

function contentOf(r: RecordRow): Record<string, unknown> {
  return hashedContent({
    elevatorId: r.elevator_id,
    seq: r.seq,
    kind: r.kind,
    level: r.level,
    correctsId: r.corrects_id,
    contractId: r.contract_id,
    firmId: r.firm_id,
    arrivedAt: r.arrived_at,
    departedAt: r.departed_at,
    elevatorSnapshot: r.elevator_snapshot,
    technicians: r.technicians,
    items: r.items,
    adjustments: r.adjustments,
    parts: r.parts,
    remarks: r.remarks,
    recordedAt: r.recorded_at,
    recordedBy: r.recorded_by,
  });
}

/** At most this long on site for one record; longer is a typing error, not a visit. */
const MAX_VISIT_MS = 24 * 3_600_000;

/**
 * Maintenance records: append-only (a trigger refuses UPDATE/DELETE), hash-chained per elevator,
 * countersigned by the owners' safety manager, and checked against the elevator's own telemetry —
 * a visit during which the controller never reported inspection mode (service mode 2) is
 * "unverified".
 */
@Injectable()
export class RecordsService {
  constructor(
    private readonly repo: MaintenanceRepository,
    private readonly audit: AuditService,
  ) {}

  async list(p: Principal, q: RecordQueryDto): Promise<[RecordView[], number]> {
    const scope = this.repo.scope('r.elevator_id', this.repo.visibility.elevators(p));
    const where: string[] = ['true'];
    const params: Record<string, unknown> = { ...scope.params };
    if (q.elevatorId) {
      where.push('r.elevator_id = :elevatorId');
      params.elevatorId = q.elevatorId;
    }
    if (q.from) {
      where.push('r.arrived_at >= :from');
      params.from = new Date(q.from);
    }
    if (q.to) {
      where.push('r.arrived_at < :to');
      params.to = new Date(q.to);
    }
    if (q.iot === 'verified') where.push('r.insp_samples > 0');
    if (q.iot === 'unverified') where.push('r.insp_samples = 0');
    const filter = `WHERE ${where.join(' AND ')}${scope.sql}`;
    const [count] = await this.repo.query<{ n: string }>(
      `SELECT count(*) AS n FROM (${SELECT_RECORD} ${filter}) x`,
      params,
    );
    const rows = await this.repo.query<RecordRow>(
      `${SELECT_RECORD} ${filter} ORDER BY r.arrived_at DESC, r.seq DESC LIMIT :limit OFFSET :offset`,
      { ...params, limit: q.limit, offset: q.offset },
    );
    return [rows.map(view), Number(count?.n ?? 0)];
  }

  async get(p: Principal, id: string): Promise<RecordView> {
    return view(await this.find(p, id));
  }

  async create(p: Principal, elevatorId: string, dto: CreateRecordDto): Promise<RecordView> {
    if (!(await this.repo.canSeeElevator(p, elevatorId))) throw new NotFoundError('Elevator', elevatorId);
    const arrivedAt = new Date(dto.arrivedAt);
    const departedAt = new Date(dto.departedAt);
    const problems: FieldProblem[] = [];
    if (departedAt <= arrivedAt)
      problems.push({ field: 'departedAt', messages: ['departedAt must be after arrivedAt'] });
    else if (departedAt.getTime() - arrivedAt.getTime() > MAX_VISIT_MS) {
      problems.push({ field: 'departedAt', messages: ['a visit lasts at most 24 hours'] });
    }
    if (departedAt.getTime() > this.repo.now().getTime() + 5 * 60_000) {
      problems.push({ field: 'departedAt', messages: ['departedAt must not be in the future'] });
    }
    if (dto.kind === 'routine' && !dto.level)
      problems.push({ field: 'level', messages: ['routine maintenance needs a level'] });
    if (dto.kind !== 'routine' && dto.kind !== 'correction' && dto.level) {
      problems.push({
        field: 'level',
        messages: ['only routine maintenance (or its correction) has a level'],
      });
    }
    if ((dto.kind === 'correction') !== !!dto.correctsId) {
      problems.push({
        field: 'correctsId',
        messages: ['a correction names the record it corrects; nothing else does'],
      });
    }
    problems.push(...(await this.checkItems(dto)));
    if (problems.length > 0) throw new InvalidInputError(problems);

    const visitDay = businessDate(arrivedAt, this.repo.timeZone);
    const contract = (await this.repo.activeContracts([elevatorId], visitDay)).get(elevatorId);
    if (!contract) {
      throw new RuleViolationError(
        'NO_CONTRACT',
        `no maintenance contract covers this elevator on ${visitDay}`,
        [{ field: 'arrivedAt', messages: [`no maintenance contract on ${visitDay}`] }],
      );
    }
    if (p.role === 'firm' && p.organisationId !== contract.firm_id) {
      throw new ForbiddenError(
        'NOT_YOUR_CONTRACT',
        `the elevator was maintained by another firm on ${visitDay}`,
      );
    }
    if (p.role !== 'firm' && p.role !== 'admin') {
      throw new ForbiddenError('FIRM_ONLY', 'maintenance records are written by the maintenance firm');
    }

    return this.repo.ds.transaction(async (em) => {
      // One writer per elevator chain at a time.
      const [snapshot] = await em.query<Array<Record<string, unknown>>>(
        `SELECT e.registration_code AS "registrationCode", e.equipment_code AS "equipmentCode", e.model,
                mo.name AS manufacturer, io.name AS installer, e.rescue_code AS "rescueCode",
                b.community, b.name AS building, u.name AS unit, b.address, b.region_code AS "regionCode",
                f.name AS firm, f.licence_number AS "firmLicence"
           FROM elevators e JOIN units u ON u.id = e.unit_id JOIN buildings b ON b.id = u.building_id
           LEFT JOIN organisations mo ON mo.id = e.manufacturer_id
           LEFT JOIN organisations io ON io.id = e.installer_id
           JOIN organisations f ON f.id = $2
          WHERE e.id = $1 FOR UPDATE OF e`,
        [elevatorId, contract.firm_id],
      );
      if (dto.correctsId) {
        const [target] = await em.query<Array<{ elevator_id: string; corrected: boolean }>>(
          `SELECT r.elevator_id, EXISTS (SELECT 1 FROM maintenance_records c WHERE c.corrects_id = r.id) AS corrected
             FROM maintenance_records r WHERE r.id = $1`,
          [dto.correctsId],
        );
        if (!target || target.elevator_id !== elevatorId) {
          throw InvalidInputError.field('correctsId', 'correctsId must be a record of this elevator');
        }
        if (target.corrected)
          throw new ConflictError(
            'ALREADY_CORRECTED',
            'that record has been corrected already; correct the correction',
          );
      }
      const [last] = await em.query<Array<{ seq: number; hash: string }>>(
        `SELECT seq, hash FROM maintenance_records WHERE elevator_id = $1 ORDER BY seq DESC LIMIT 1`,
        [elevatorId],
      );
      const seq = (last?.seq ?? 0) + 1;
      const prevHash = last?.hash ?? null;
      const recordedAt = new Date(this.repo.now().getTime());
      const content = hashedContent({
        elevatorId,
        seq,
        kind: dto.kind,
        level: dto.level ?? null,
        correctsId: dto.correctsId ?? null,
        contractId: contract.contract_id,
        firmId: contract.firm_id,
        arrivedAt,
        departedAt,
        elevatorSnapshot: snapshot ?? {},
        technicians: dto.technicians.map((t) => ({ name: t.name, certificateNumber: t.certificateNumber })),
        items: dto.items.map((i) => ({ code: i.code, result: i.result, note: i.note ?? null })),
        adjustments: dto.adjustments ?? null,
        parts: (dto.parts ?? []).map((x) => ({
          name: x.name,
          quantity: x.quantity,
          costFen: x.costFen ?? null,
        })),
        remarks: dto.remarks ?? null,
        recordedAt,
        recordedBy: p.username,
      });
      const hash = chainHash(prevHash, content);
      const [row] = await em.query<Array<{ id: string }>>(
        `INSERT INTO maintenance_records (elevator_id, seq, kind, level, corrects_id, contract_id, firm_id, arrived_at,
           departed_at, elevator_snapshot, technicians, items, adjustments, parts, remarks, recorded_at, recorded_by,
           prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12::jsonb, $13, $14::jsonb, $15, $16, $17, $18, $19)
         RETURNING id`,
        [
          elevatorId,
          seq,
          content.kind,
          content.level,
          content.correctsId,
          content.contractId,
          content.firmId,
          arrivedAt,
          departedAt,
          JSON.stringify(content.elevatorSnapshot),
          JSON.stringify(content.technicians),
          JSON.stringify(content.items),
          content.adjustments,
          JSON.stringify(content.parts),
          content.remarks,
          recordedAt,
          p.username,
          prevHash,
          hash,
        ],
      );
      const id = row.id;
      await this.audit.record(em, p, 'maintenance_record.create', 'maintenance_record', id, {
        elevatorId,
        seq,
        kind: dto.kind,
        level: dto.level ?? null,
        hash,
      });
      const [saved] = await this.repo.query<RecordRow>(`${SELECT_RECORD} WHERE r.id = :id`, { id }, em);
      return view(saved);
    });
  }

  async countersign(p: Principal, id: string, dto: CountersignDto): Promise<RecordView> {
    const record = await this.find(p, id);
    if (!['owner', 'agent', 'admin'].includes(p.role)) {
      throw new ForbiddenError('OWNERS_ONLY', "the owners' safety manager countersigns");
    }
    if (record.cs_signed_at)
      throw new ConflictError('ALREADY_COUNTERSIGNED', 'this record is countersigned already');
    return this.repo.ds.transaction(async (em) => {
      const signedAt = new Date(this.repo.now().getTime());
      const signerTitle = dto.signerTitle ?? '安全管理员';
      const hash = chainHash(
        record.hash,
        countersignContent(id, dto.signerName, signerTitle, dto.comment ?? null, signedAt, p.username),
      );
      await em.query(
        `INSERT INTO maintenance_countersignatures (record_id, signer_name, signer_title, comment, signed_at, signed_by, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [id, dto.signerName, signerTitle, dto.comment ?? null, signedAt, p.username, hash],
      );
      await this.audit.record(em, p, 'maintenance_record.countersign', 'maintenance_record', id, {
        signerName: dto.signerName,
      });
      const [saved] = await this.repo.query<RecordRow>(`${SELECT_RECORD} WHERE r.id = :id`, { id }, em);
      return view(saved);
    });
  }

  /** Recomputes the elevator's whole chain and every countersignature. */
  async verify(p: Principal, elevatorId: string): Promise<ChainReport> {
    if (!(await this.repo.canSeeElevator(p, elevatorId))) throw new NotFoundError('Elevator', elevatorId);
    return this.verifyElevator(elevatorId);
  }

  async verifyElevator(elevatorId: string): Promise<ChainReport> {
    const rows = await this.repo.query<RecordRow & { cs_hash: string | null; cs_signed_by: string | null }>(
      `SELECT r.*, s.signer_name AS cs_signer_name, s.signer_title AS cs_signer_title, s.comment AS cs_comment,
              s.signed_at AS cs_signed_at, s.signed_by AS cs_signed_by, s.hash AS cs_hash
         FROM maintenance_records r LEFT JOIN maintenance_countersignatures s ON s.record_id = r.id
        WHERE r.elevator_id = :elevatorId ORDER BY r.seq`,
      { elevatorId },
    );
    const result = verifyChain(
      rows.map((r) => ({ id: r.id, seq: r.seq, prevHash: r.prev_hash, hash: r.hash, content: contentOf(r) })),
    );
    const problems: ChainReport['problems'] = [...result.problems];
    for (const r of rows) {
      if (!r.cs_signed_at || !r.cs_hash) continue;
      const expected = chainHash(
        r.hash,
        countersignContent(
          r.id,
          r.cs_signer_name ?? '',
          r.cs_signer_title ?? '',
          r.cs_comment,
          r.cs_signed_at,
          r.cs_signed_by ?? '',
        ),
      );
      if (expected !== r.cs_hash)
        problems.push({ recordId: r.id, seq: r.seq, problem: 'countersignature_changed' });
    }
    return {
      elevatorId,
      valid: problems.length === 0,
      records: rows.length,
      problems,
      verifiedAt: this.repo.now().toISOString(),
    };
  }

  /** Every code must exist; routine work must cover every active item of its level and below. */
  private async checkItems(dto: CreateRecordDto): Promise<FieldProblem[]> {
    const items = await this.repo.query<{ code: string; level: Level; active: boolean }>(
      `SELECT code, level, active FROM maintenance_checklist_items WHERE elevator_type = 'traction'`,
    );
    const known = new Map(items.map((i) => [i.code, i]));
    const problems: FieldProblem[] = [];
    const seen = new Set<string>();
    dto.items.forEach((item, i) => {
      if (!known.has(item.code))
        problems.push({ field: `items.${i}.code`, messages: [`unknown checklist item ${item.code}`] });
      if (seen.has(item.code))
        problems.push({ field: `items.${i}.code`, messages: [`item ${item.code} is listed twice`] });
      seen.add(item.code);
    });
    if (dto.level && (dto.kind === 'routine' || dto.kind === 'correction')) {
      const rank = levelRank(dto.level);
      const missing = items
        .filter((i) => i.active && levelRank(i.level) <= rank && !seen.has(i.code))
        .map((i) => i.code);
      if (missing.length > 0) {
        problems.push({
          field: 'items',
          messages: [
            `a ${dto.level} visit must report every item up to its level; missing: ${missing.join(', ')}`,
          ],
        });
      }
    }
    return problems;
  }

  private async find(p: Principal, id: string): Promise<RecordRow> {
    const scope = this.repo.scope('r.elevator_id', this.repo.visibility.elevators(p));
    const [row] = await this.repo.query<RecordRow>(`${SELECT_RECORD} WHERE r.id = :id${scope.sql}`, {
      id,
      ...scope.params,
    });
    if (!row) throw new NotFoundError('Maintenance record', id);
    return row;
  }
}

function countersignContent(
  recordId: string,
  signerName: string,
  signerTitle: string,
  comment: string | null,
  signedAt: Date,
  signedBy: string,
): Record<string, unknown> {
  return { recordId, signerName, signerTitle, comment, signedAt: signedAt.toISOString(), signedBy };
}

function iotOf(r: RecordRow): IotVerification {
  const insp = Number(r.insp_samples);
  const samples = Number(r.samples);
  return {
    status: insp > 0 ? 'verified' : 'unverified',
    inspectionModeSamples: insp,
    samplesOnSite: samples,
    reason:
      insp > 0
        ? 'the controller reported inspection mode while the technicians were on site'
        : samples === 0
          ? 'no telemetry from the elevator while the technicians were said to be on site'
          : 'the controller never reported inspection mode while the technicians were said to be on site',
  };
}

function view(r: RecordRow): RecordView {
  return {
    id: r.id,
    elevatorId: r.elevator_id,
    seq: r.seq,
    kind: r.kind,
    level: r.level,
    correctsId: r.corrects_id,
    correctedById: r.corrected_by_id,
    contractId: r.contract_id,
    firmId: r.firm_id,
    arrivedAt: r.arrived_at.toISOString(),
    departedAt: r.departed_at.toISOString(),
    elevatorSnapshot: r.elevator_snapshot,
    technicians: r.technicians,
    items: r.items,
    adjustments: r.adjustments,
    parts: r.parts,
    remarks: r.remarks,
    recordedAt: r.recorded_at.toISOString(),
    recordedBy: r.recorded_by,
    prevHash: r.prev_hash,
    hash: r.hash,
    countersignature: r.cs_signed_at
      ? {
          signerName: r.cs_signer_name ?? '',
          signerTitle: r.cs_signer_title ?? '',
          comment: r.cs_comment,
          signedAt: r.cs_signed_at.toISOString(),
        }
      : null,
    iot: iotOf(r),
  };
}
