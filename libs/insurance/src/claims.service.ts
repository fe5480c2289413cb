import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AuditService, type Principal } from '@liftwatch/access';
import { businessDate } from '@liftwatch/calendar';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import {
  ConflictError,
  type FieldProblem,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RuleViolationError,
} from '@liftwatch/contract';
import { MaintenanceRepository } from '@liftwatch/maintenance';
import {
  type ClaimAction,
  type ClaimStatus,
  checkTransition,
  partyOf,
  STAGE_SLA_HOURS,
  stageAges,
} from './claim-workflow';
import {
  type ClaimActionDto,
  type ClaimDetail,
  type ClaimQueryDto,
  type ClaimView,
  type DocumentKind,
  type DocumentView,
  type EvidenceView,
  type FileClaimDto,
} from './claim.dto';
import { DOCUMENT_STORE, type DocumentStore, sha256Hex, sniffContentType } from './document-store';
import { type EvidenceBundle, EvidenceBuilder, evidenceHash } from './evidence';
import { type SuggestedPayout } from './payout';
import { type PolicyRow, policyActiveOn, SELECT_POLICY } from './policies.service';
import { type ClaimTotals } from './claim.dto';

interface ClaimRow {
  id: string;
  claim_number: string;
  policy_id: string;
  policy_number: string;
  insurer_id: string;
  elevator_id: string;
  claimant_kind: string;
  filed_by: string;
  incident_at: Date;
  incident_type: ClaimView['incidentType'];
  description: string;
  people_affected: number;
  claimed_amount_fen: string | null;
  alarm_ids: string[];
  status: ClaimStatus;
  status_changed_at: Date;
  liability: string | null;
  assessed_amount_fen: string | null;
  paid_amount_fen: string | null;
  paid_at: Date | null;
  rejection_reason: string | null;
  evidence_hash: string;
  suggested_payout: SuggestedPayout | null;
  created_at: Date;
  limits: { perIncidentFen?: number };
}

const SELECT_CLAIM = `
  SELECT c.id, c.claim_number, c.policy_id, p.policy_number, p.insurer_id, c.elevator_id, c.claimant_kind, c.filed_by,
         c.incident_at, c.incident_type, c.description, c.people_affected, c.claimed_amount_fen,
         ARRAY(SELECT unnest(c.alarm_ids)::text) AS alarm_ids, c.status, c.status_changed_at, c.liability,
         c.assessed_amount_fen, c.paid_amount_fen, c.paid_at, c.rejection_reason, c.evidence_hash, c.suggested_payout,
         c.created_at, p.limits
    FROM claims c JOIN insurance_policies p ON p.id = c.policy_id`;

const num = (v: string | null): number | null => (v === null ? null : Number(v));

export interface UploadedFile {
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

/**
 * Claims against elevator insurance. Filing freezes the evidence bundle in the same transaction as
 * the claim; every step is checked against the workflow and the caller's side (insurer or
 * claimant), stamped in the claim's append-only history and the audit log.
 */
@Injectable()
export class ClaimsService {
  constructor(
    private readonly repo: MaintenanceRepository,
    private readonly evidence: EvidenceBuilder,
    @Inject(DOCUMENT_STORE) private readonly store: DocumentStore,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Insurer: claims on its policies. Owners/agent: claims on their unit's elevators. Firm: claims it filed. */
  private scope(p: Principal): { sql: string; params: Record<string, unknown> } {
    switch (p.role) {
      case 'admin':
        return { sql: '', params: {} };
      case 'insurer':
        return { sql: ' AND p.insurer_id = :scopeOrg', params: { scopeOrg: p.organisationId } };
      case 'owner':
      case 'agent':
      case 'firm': {
        const elevators = this.repo.visibility.elevators(p);
        const kind = p.role === 'firm' ? 'maintenance_firm' : 'owners';
        return {
          sql: ` AND c.claimant_kind = :scopeKind${elevators ? ` AND c.elevator_id IN (${elevators.sql})` : ''}`,
          params: { scopeKind: kind, ...(elevators?.params ?? {}) },
        };
      }
      case 'regulator':
        return { sql: ' AND false', params: {} };
    }
  }

  async list(
    p: Principal,
    q: Pick<ClaimQueryDto, 'status' | 'open' | 'elevatorId' | 'limit' | 'offset'>,
  ): Promise<[ClaimView[], number]> {
    const scope = this.scope(p);
    const where: string[] = ['true'];
    const params: Record<string, unknown> = { ...scope.params };
    if (q.status) {
      where.push('c.status = :status');
      params.status = q.status;
    }
    if (q.open) where.push(`c.status NOT IN ('closed', 'rejected')`);
    if (q.elevatorId) {
      where.push('c.elevator_id = :elevatorId');
      params.elevatorId = q.elevatorId;
    }
    const filter = `WHERE ${where.join(' AND ')}${scope.sql}`;
    const [count] = await this.repo.query<{ n: string }>(
      `SELECT count(*) AS n FROM claims c JOIN insurance_policies p ON p.id = c.policy_id ${filter}`,
      params,
    );
    // The queue: oldest in its stage first.
    const rows = await this.repo.query<ClaimRow>(
      `${SELECT_CLAIM} ${filter} ORDER BY c.status IN ('closed', 'rejected'), c.status_changed_at LIMIT :limit OFFSET :offset`,
      { ...params, limit: q.limit, offset: q.offset },
    );
    return [rows.map((r) => this.view(r)), Number(count?.n ?? 0)];
  }

  /** Registration codes of elevators, for exports (users read codes, not ids). */
  async registrationCodes(elevatorIds: string[]): Promise<Map<string, string>> {
    if (elevatorIds.length === 0) return new Map();
    const rows = await this.repo.query<{ id: string; registration_code: string }>(
      `SELECT id, registration_code FROM elevators WHERE id IN (:...ids)`,
      { ids: [...new Set(elevatorIds)] },
    );
    return new Map(rows.map((r) => [r.id, r.registration_code]));
  }

  async get(p: Principal, id: string): Promise<ClaimDetail> {
    const row = await this.find(p, id);
    const events = await this.repo.query<{
      at: Date;
      from_status: string | null;
      to_status: ClaimStatus;
      actor_username: string;
      actor_role: string;
      note: string | null;
    }>(
      `SELECT at, from_status, to_status, actor_username, actor_role, note FROM claim_events WHERE claim_id = :id ORDER BY id`,
      {
        id,
      },
    );
    return {
      ...this.view(row),
      events: events.map((e) => ({
        at: e.at.toISOString(),
        fromStatus: e.from_status,
        toStatus: e.to_status,
        actor: e.actor_username,
        role: e.actor_role,
        note: e.note,
      })),
      stages: stageAges(
        events.map((e) => ({ at: e.at, toStatus: e.to_status })),
        this.repo.now(),
      ).filter((s, i, all) => i < all.length - 1 || !['closed', 'rejected'].includes(s.status)),
      documents: await this.documents(id),
    };
  }

  async evidenceOf(p: Principal, id: string): Promise<EvidenceView> {
    await this.find(p, id);
    const [row] = await this.repo.query<{ bundle: string; hash: string; frozen_at: Date }>(
      `SELECT bundle, hash, frozen_at FROM claim_evidence WHERE claim_id = :id`,
      { id },
    );
    if (!row) throw new NotFoundError('Evidence', id);
    return {
      claimId: id,
      hash: row.hash,
      frozenAt: row.frozen_at.toISOString(),
      intact: evidenceHash(row.bundle) === row.hash,
      bundle: JSON.parse(row.bundle) as EvidenceBundle,
    };
  }

  async file(p: Principal, dto: FileClaimDto): Promise<ClaimDetail> {
    if (!['admin', 'owner', 'agent', 'firm'].includes(p.role)) {
      throw new ForbiddenError(
        'CLAIMANTS_ONLY',
        'claims are filed by the owners, their agent or the maintenance firm',
      );
    }
    if (!(await this.repo.canSeeElevator(p, dto.elevatorId)))
      throw new NotFoundError('Elevator', dto.elevatorId);
    const incidentAt = new Date(dto.incidentAt);
    const problems: FieldProblem[] = [];
    if (incidentAt.getTime() > this.repo.now().getTime() + 60_000) {
      problems.push({ field: 'incidentAt', messages: ['incidentAt must not be in the future'] });
    }
    const [policy] = await this.repo.query<PolicyRow>(
      `${SELECT_POLICY}
         JOIN insurance_policy_elevators cpe ON cpe.policy_id = p.id AND cpe.elevator_id = :elevatorId
        WHERE p.id = :id`,
      { id: dto.policyId, elevatorId: dto.elevatorId },
    );
    if (!policy)
      problems.push({ field: 'policyId', messages: ['no policy with this id covers the elevator'] });
    let alarmIds = dto.alarmIds ?? [];
    if (alarmIds.length > 0) {
      const found = await this.repo.query<{ id: string }>(
        `SELECT id FROM alarms WHERE id IN (:...ids) AND elevator_id = :elevatorId`,
        { ids: alarmIds, elevatorId: dto.elevatorId },
      );
      const ok = new Set(found.map((f) => f.id));
      alarmIds.forEach((a, i) => {
        if (!ok.has(a))
          problems.push({ field: `alarmIds.${i}`, messages: ['not an alarm of this elevator'] });
      });
    } else {
      const near = await this.repo.query<{ id: string }>(
        `SELECT id FROM alarms WHERE elevator_id = :elevatorId AND type <> 'offline'
            AND first_seen_ts BETWEEN :from AND :to ORDER BY first_seen_ts`,
        {
          elevatorId: dto.elevatorId,
          from: new Date(incidentAt.getTime() - 2 * 3_600_000),
          to: new Date(incidentAt.getTime() + 2 * 3_600_000),
        },
      );
      alarmIds = near.map((a) => a.id);
    }
    if (problems.length > 0 || !policy) throw new InvalidInputError(problems);
    const incidentDay = businessDate(incidentAt, this.config.businessTimeZone);
    if (!policyActiveOn(policy, incidentDay)) {
      const why =
        policy.cancelled_on && policy.cancelled_on <= incidentDay
          ? `was cancelled on ${policy.cancelled_on}`
          : policy.ends_on < incidentDay
            ? `expired on ${policy.ends_on}`
            : `starts on ${policy.starts_on}`;
      throw new RuleViolationError(
        'POLICY_NOT_ACTIVE',
        `policy ${policy.policy_number} ${why}; the incident was on ${incidentDay}`,
        [{ field: 'policyId', messages: [`policy not in force on ${incidentDay}`] }],
      );
    }

    const claimNumber = `CL-${incidentDay.replace(/-/g, '')}-${randomBytes(3).toString('hex').toUpperCase()}`;
    const { canonical, hash, bundle } = await this.evidence.build({
      claimNumber,
      incidentAt,
      incidentType: dto.incidentType,
      peopleAffected: dto.peopleAffected ?? 0,
      description: dto.description,
      elevatorId: dto.elevatorId,
      alarmIds,
      policy,
    });
    const id = await this.repo.ds.transaction(async (em) => {
      const [row] = await em.query<Array<{ id: string }>>(
        `INSERT INTO claims (claim_number, policy_id, elevator_id, claimant_kind, filed_by, incident_at, incident_type,
           description, people_affected, claimed_amount_fen, alarm_ids, evidence_hash, suggested_payout)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::uuid[], $12, $13::jsonb) RETURNING id`,
        [
          claimNumber,
          policy.id,
          dto.elevatorId,
          p.role === 'firm' ? 'maintenance_firm' : p.role === 'admin' ? 'admin' : 'owners',
          p.username,
          incidentAt,
          dto.incidentType,
          dto.description,
          dto.peopleAffected ?? 0,
          dto.claimedAmountFen ?? null,
          alarmIds,
          hash,
          bundle.suggestedPayout ? JSON.stringify(bundle.suggestedPayout) : null,
        ],
      );
      const claimId = row.id;
      await em.query(`INSERT INTO claim_evidence (claim_id, bundle, hash) VALUES ($1, $2, $3)`, [
        claimId,
        canonical,
        hash,
      ]);
      await em.query(
        `INSERT INTO claim_events (claim_id, from_status, to_status, actor_username, actor_role, note)
         VALUES ($1, NULL, 'reported', $2, $3, $4)`,
        [claimId, p.username, p.role, 'claim filed; evidence frozen'],
      );
      await this.audit.record(em, p, 'claim.file', 'claim', claimId, {
        claimNumber,
        policyId: policy.id,
        elevatorId: dto.elevatorId,
        evidenceHash: hash,
      });
      return claimId;
    });
    return this.get(p, id);
  }

  async act(p: Principal, id: string, action: ClaimAction, dto: ClaimActionDto): Promise<ClaimDetail> {
    const claim = await this.find(p, id);
    const party = partyOf(p.role, p.organisationId === claim.insurer_id, p.role !== 'insurer');
    const check = checkTransition(claim.status, action, party);
    if (!check.ok) {
      if (check.reason === 'wrong_party') throw new ForbiddenError('WRONG_PARTY', check.message);
      throw new ConflictError('WRONG_STATUS', check.message);
    }
    const set: Record<string, unknown> = {};
    const problems: FieldProblem[] = [];
    if (action === 'decide_liability') {
      if (!dto.liability)
        problems.push({
          field: 'liability',
          messages: ['liability is accepted or partial (deny by reject)'],
        });
      set.liability = dto.liability;
    }
    if (action === 'assess') {
      if (dto.amountFen === undefined)
        problems.push({ field: 'amountFen', messages: ['the assessed amount is required'] });
      const limit = claim.limits.perIncidentFen;
      if (dto.amountFen !== undefined && limit !== undefined && dto.amountFen > limit) {
        problems.push({ field: 'amountFen', messages: [`exceeds the per-incident limit of ${limit} fen`] });
      }
      set.assessed_amount_fen = dto.amountFen;
    }
    if (action === 'pay') {
      const amount = dto.amountFen ?? num(claim.assessed_amount_fen) ?? 0;
      if (amount > (num(claim.assessed_amount_fen) ?? 0)) {
        problems.push({ field: 'amountFen', messages: ['cannot pay more than the assessed amount'] });
      }
      set.paid_amount_fen = amount;
      set.paid_at = this.repo.now();
    }
    if (action === 'reject') {
      if (!dto.reason) problems.push({ field: 'reason', messages: ['a rejection states its reason'] });
      set.rejection_reason = dto.reason;
    }
    if (problems.length > 0) throw new InvalidInputError(problems);
    await this.repo.ds.transaction(async (em) => {
      const columns = Object.keys(set);
      const assignments = columns.map((c, i) => `, ${c} = $${i + 4}`).join('');
      const updated = await em.query<Array<{ id: string }>>(
        `WITH u AS (UPDATE claims SET status = $2, status_changed_at = now()${assignments}
                     WHERE id = $1 AND status = $3 RETURNING id) SELECT id FROM u`,
        [id, check.to, claim.status, ...columns.map((c) => set[c])],
      );
      if (updated.length === 0)
        throw new ConflictError('CONCURRENT_CHANGE', 'the claim changed meanwhile; reload it');
      await em.query(
        `INSERT INTO claim_events (claim_id, from_status, to_status, actor_username, actor_role, note, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
        [id, claim.status, check.to, p.username, p.role, dto.note ?? dto.reason ?? null, JSON.stringify(dto)],
      );
      await this.audit.record(em, p, `claim.${action}`, 'claim', id, {
        from: claim.status,
        to: check.to,
        ...dto,
      });
    });
    return this.get(p, id);
  }

  async upload(
    p: Principal,
    id: string,
    kind: DocumentKind,
    file: UploadedFile | undefined,
  ): Promise<DocumentView> {
    const claim = await this.find(p, id);
    if (!file || file.size === 0)
      throw InvalidInputError.field('file', 'attach one non-empty file as multipart field "file"');
    if (file.size > this.config.documents.maxBytes) {
      throw InvalidInputError.field('file', `files are limited to ${this.config.documents.maxBytes} bytes`);
    }
    const type = sniffContentType(file.buffer);
    if (!type) {
      throw InvalidInputError.field(
        'file',
        'only JPEG, PNG, WebP, PDF and MP4 files are accepted',
        'UNSUPPORTED_MEDIA_TYPE',
      );
    }
    if (['closed', 'rejected'].includes(claim.status)) {
      throw new ConflictError('CLAIM_FINISHED', `the claim is ${claim.status}; no more documents`);
    }
    const sha = sha256Hex(file.buffer);
    const key = `${id}/${sha}`;
    await this.store.put(key, file.buffer);
    try {
      return await this.repo.ds.transaction(async (em) => {
        const [row] = await em.query<Array<{ id: string }>>(
          `INSERT INTO claim_documents (claim_id, kind, filename, content_type, size_bytes, sha256, storage_key, uploaded_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
          [id, kind, file.originalname.slice(0, 200), type, file.size, sha, key, p.username],
        );
        await this.audit.record(em, p, 'claim.document.upload', 'claim', id, {
          documentId: row.id,
          kind,
          sha256: sha,
        });
        const docs = await this.documents(id, em);
        return docs.find((d) => d.id === row.id)!;
      });
    } catch (err) {
      // The same bytes may already belong to this claim under another row; keep the file then.
      const others = await this.repo.query(`SELECT 1 FROM claim_documents WHERE storage_key = :key`, { key });
      if (others.length === 0) await this.store.remove(key);
      throw err;
    }
  }

  async download(
    p: Principal,
    id: string,
    documentId: string,
  ): Promise<{ doc: DocumentView; content: Buffer }> {
    await this.find(p, id);
    const doc = (await this.documents(id)).find((d) => d.id === documentId);
    if (!doc) throw new NotFoundError('Document', documentId);
    const [row] = await this.repo.query<{ storage_key: string }>(
      `SELECT storage_key FROM claim_documents WHERE id = :id`,
      {
        id: documentId,
      },
    );
    return { doc, content: await this.store.get(row.storage_key) };
  }

  /** Per business month of filing: counts and sums, for the caller's claims. */
  async totals(p: Principal, from: Date, to: Date): Promise<ClaimTotals[]> {
    const scope = this.scope(p);
    const rows = await this.repo.query<{
      period: string;
      filed: string;
      open: string;
      rejected: string;
      paid: string;
      assessed_fen: string;
      paid_fen: string;
    }>(
      `SELECT to_char(c.created_at AT TIME ZONE :tz, 'YYYY-MM') AS period, count(*) AS filed,
              count(*) FILTER (WHERE c.status NOT IN ('closed', 'rejected', 'paid')) AS open,
              count(*) FILTER (WHERE c.status = 'rejected') AS rejected,
              count(*) FILTER (WHERE c.paid_at IS NOT NULL) AS paid,
              coalesce(sum(c.assessed_amount_fen), 0) AS assessed_fen, coalesce(sum(c.paid_amount_fen), 0) AS paid_fen
         FROM claims c JOIN insurance_policies p ON p.id = c.policy_id
        WHERE c.created_at >= :from AND c.created_at < :to${scope.sql}
        GROUP BY 1 ORDER BY 1`,
      { tz: this.config.businessTimeZone, from, to, ...scope.params },
    );
    return rows.map((r) => ({
      period: r.period,
      filed: Number(r.filed),
      open: Number(r.open),
      rejected: Number(r.rejected),
      paid: Number(r.paid),
      assessedFen: Number(r.assessed_fen),
      paidFen: Number(r.paid_fen),
    }));
  }

  private async documents(id: string, db = this.repo.ds.manager): Promise<DocumentView[]> {
    const rows = await this.repo.query<DocumentView & { uploadedAt: Date }>(
      `SELECT id, kind, filename, content_type AS "contentType", size_bytes AS "sizeBytes", sha256,
              uploaded_by AS "uploadedBy", uploaded_at AS "uploadedAt"
         FROM claim_documents WHERE claim_id = :id ORDER BY uploaded_at, id`,
      { id },
      db,
    );
    return rows.map((r) => ({ ...r, uploadedAt: r.uploadedAt.toISOString() }));
  }

  private async find(p: Principal, id: string): Promise<ClaimRow> {
    const scope = this.scope(p);
    const [row] = await this.repo.query<ClaimRow>(`${SELECT_CLAIM} WHERE c.id = :id${scope.sql}`, {
      id,
      ...scope.params,
    });
    if (!row) throw new NotFoundError('Claim', id);
    return row;
  }

  private view(r: ClaimRow): ClaimView {
    const ageHours =
      Math.round(((this.repo.now().getTime() - r.status_changed_at.getTime()) / 3_600_000) * 10) / 10;
    const sla = STAGE_SLA_HOURS[r.status];
    return {
      id: r.id,
      claimNumber: r.claim_number,
      policyId: r.policy_id,
      policyNumber: r.policy_number,
      insurerId: r.insurer_id,
      elevatorId: r.elevator_id,
      claimantKind: r.claimant_kind,
      filedBy: r.filed_by,
      incidentAt: r.incident_at.toISOString(),
      incidentType: r.incident_type,
      description: r.description,
      peopleAffected: r.people_affected,
      claimedAmountFen: num(r.claimed_amount_fen),
      alarmIds: r.alarm_ids,
      status: r.status,
      statusChangedAt: r.status_changed_at.toISOString(),
      ageHours,
      slaOverdue: sla !== undefined && ageHours > sla,
      liability: r.liability,
      assessedAmountFen: num(r.assessed_amount_fen),
      paidAmountFen: num(r.paid_amount_fen),
      paidAt: r.paid_at ? r.paid_at.toISOString() : null,
      rejectionReason: r.rejection_reason,
      evidenceHash: r.evidence_hash,
      suggestedPayout: r.suggested_payout,
      createdAt: r.created_at.toISOString(),
    };
  }
}
