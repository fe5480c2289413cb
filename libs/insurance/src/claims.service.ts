import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AuditService, type Principal } from '@liftwatch/access';
import { businessDate, Clock } from '@liftwatch/calendar';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import {
  ConflictError,
  type FieldProblem,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RuleViolationError,
} from '@liftwatch/contract';
import { VisibilityRepository } from '@liftwatch/registry';
import { type ClaimAction, checkTransition, partyOf, STAGE_SLA_HOURS, stageAges } from './claim-workflow';
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
import { DOCUMENT_STORE, type DocumentStore, sha256Hex, sniffContentType } from '@liftwatch/documents';
import { type EvidenceBundle, EvidenceBuilder, evidenceHash } from './evidence';
import { type ClaimChanges, ClaimRepository, type ClaimRow, type ClaimScope } from './claim.repository';
import { policyActiveOn } from './policies.service';
import { type PolicyRow, PolicyRepository } from './policy.repository';
import { type ClaimTotals } from './claim.dto';

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
    private readonly repo: ClaimRepository,
    private readonly policies: PolicyRepository,
    private readonly visibility: VisibilityRepository,
    private readonly evidence: EvidenceBuilder,
    @Inject(DOCUMENT_STORE) private readonly store: DocumentStore,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Insurer: claims on its policies. Owners/agent: claims on their unit's elevators. Firm: claims it filed. */
  private scope(p: Principal): ClaimScope {
    switch (p.role) {
      case 'admin':
        return { all: true };
      case 'insurer':
        return { insurerId: p.organisationId };
      case 'owner':
      case 'agent':
      case 'firm':
        return {
          claimantKind: p.role === 'firm' ? 'maintenance_firm' : 'owners',
          elevators: this.visibility.elevators(p),
        };
      case 'regulator':
      case 'technician':
        return { none: true };
    }
  }

  async list(
    p: Principal,
    q: Pick<ClaimQueryDto, 'status' | 'open' | 'elevatorId' | 'limit' | 'offset'>,
  ): Promise<[ClaimView[], number]> {
    const [rows, total] = await this.repo.page(this.scope(p), q);
    return [rows.map((r) => this.view(r)), total];
  }

  /** Registration codes of elevators, for exports (users read codes, not ids). */
  registrationCodes(elevatorIds: string[]): Promise<Map<string, string>> {
    return this.repo.registrationCodes(elevatorIds);
  }

  async get(p: Principal, id: string): Promise<ClaimDetail> {
    const row = await this.find(p, id);
    const events = await this.repo.events(id);
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
        this.clock.now(),
      ).filter((s, i, all) => i < all.length - 1 || !['closed', 'rejected'].includes(s.status)),
      documents: await this.repo.documents(id),
    };
  }

  async evidenceOf(p: Principal, id: string): Promise<EvidenceView> {
    await this.find(p, id);
    const row = await this.repo.evidence(id);
    if (!row) throw new NotFoundError('Evidence', id);
    const versions = await this.repo.evidenceVersions(id);
    return {
      claimId: id,
      hash: row.hash,
      frozenAt: row.frozen_at.toISOString(),
      intact: evidenceHash(row.bundle) === row.hash,
      version: row.version,
      versions: versions.map((v) => ({
        version: v.version,
        hash: v.hash,
        frozenAt: v.frozen_at.toISOString(),
        chosenBy: v.chosen_by,
        reason: v.reason,
      })),
      bundle: JSON.parse(row.bundle) as EvidenceBundle,
    };
  }

  /**
   * The claimant or the handler says the incident was another alarm of the elevator: the evidence
   * is frozen again around it (a new version; the earlier stays), on the claim's history, audited.
   * Not once the claim is paid, closed or rejected.
   */
  async chooseIncidentAlarm(
    p: Principal,
    id: string,
    dto: { alarmId: string; reason: string },
  ): Promise<EvidenceView> {
    const claim = await this.find(p, id);
    const handler = p.role === 'insurer' || p.role === 'admin';
    if (!handler && !['owner', 'agent', 'firm'].includes(p.role))
      throw new ForbiddenError('ROLE_NOT_ALLOWED', 'the claimant or the handler names the incident');
    if (['paid', 'closed', 'rejected'].includes(claim.status))
      throw new ConflictError('CLAIM_SETTLED', `the claim is ${claim.status}; its evidence stays as it is`);
    if (!(await this.repo.alarmsOfElevator([dto.alarmId], claim.elevator_id)).has(dto.alarmId))
      throw InvalidInputError.field('alarmId', 'not an alarm of this elevator');
    const policy = await this.policies.findCovering(claim.policy_id, claim.elevator_id);
    if (!policy) throw new ConflictError('NO_POLICY', 'the policy no longer covers the elevator');
    const window = 2 * 3_600_000;
    const around = await this.repo.alarmsBetween(
      claim.elevator_id,
      new Date(claim.incident_at.getTime() - window),
      new Date(claim.incident_at.getTime() + window),
    );
    const alarmIds = [...new Set([...around, ...claim.alarm_ids, dto.alarmId])];
    const { canonical, hash, bundle } = await this.evidence.build({
      claimNumber: claim.claim_number,
      incidentAt: claim.incident_at,
      incidentType: claim.incident_type,
      peopleAffected: claim.people_affected,
      description: claim.description,
      elevatorId: claim.elevator_id,
      alarmIds,
      named: { alarmId: dto.alarmId, by: handler ? 'handler' : 'claimant', reason: dto.reason },
      policy,
    });
    await this.repo.transaction(async (tx) => {
      await this.repo.refreeze(tx, id, {
        canonical,
        hash,
        alarmIds,
        chosenBy: p.username,
        reason: dto.reason,
      });
      await this.repo.addEvent(
        tx,
        id,
        claim.status,
        claim.status,
        p.username,
        p.role,
        `incident alarm named: ${dto.reason}`,
        null,
      );
      await this.audit.record(tx, p, 'claim.incident_alarm', 'claim', id, {
        alarmId: dto.alarmId,
        reason: dto.reason,
        evidenceHash: hash,
        incident: bundle.incident,
      });
    });
    return this.evidenceOf(p, id);
  }

  /**
   * Files a claim: checks who may file and against what, freezes the evidence (canonical JSON and
   * its hash) and stores claim, evidence and the first history entry in one transaction.
   */
  async file(p: Principal, dto: FileClaimDto): Promise<ClaimDetail> {
    if (!['admin', 'owner', 'agent', 'firm'].includes(p.role)) {
      throw new ForbiddenError(
        'CLAIMANTS_ONLY',
        'claims are filed by the owners, their agent or the maintenance firm',
      );
    }
    if (!(await this.visibility.canSeeElevator(p, dto.elevatorId)))
      throw new NotFoundError('Elevator', dto.elevatorId);
    const incidentAt = new Date(dto.incidentAt);
    const { policy, alarmIds, named } = await this.checkFiling(dto, incidentAt);
    const incidentDay = businessDate(incidentAt, this.config.businessTimeZone);
    this.checkPolicyInForce(policy, incidentDay);

    const claimNumber = `CL-${incidentDay.replace(/-/g, '')}-${randomBytes(3).toString('hex').toUpperCase()}`;
    const { canonical, hash, bundle } = await this.evidence.build({
      claimNumber,
      incidentAt,
      incidentType: dto.incidentType,
      peopleAffected: dto.peopleAffected ?? 0,
      description: dto.description,
      elevatorId: dto.elevatorId,
      alarmIds,
      named: named ? { alarmId: named, by: 'claimant', reason: null } : undefined,
      policy,
    });
    const id = await this.repo.transaction(async (tx) => {
      const claimId = await this.repo.insert(tx, {
        claimNumber,
        policyId: policy.id,
        elevatorId: dto.elevatorId,
        claimantKind: p.role === 'firm' ? 'maintenance_firm' : p.role === 'admin' ? 'admin' : 'owners',
        filedBy: p.username,
        filedByRole: p.role,
        incidentAt,
        incidentType: dto.incidentType,
        description: dto.description,
        peopleAffected: dto.peopleAffected ?? 0,
        claimedAmountFen: dto.claimedAmountFen ?? null,
        alarmIds,
        evidence: { canonical, hash },
        suggestedPayout: bundle.suggestedPayout,
      });
      await this.audit.record(tx, p, 'claim.file', 'claim', claimId, {
        claimNumber,
        policyId: policy.id,
        elevatorId: dto.elevatorId,
        evidenceHash: hash,
        incidentAlarm: bundle.incident,
      });
      return claimId;
    });
    return this.get(p, id);
  }

  /**
   * The filing's field checks: not in the future, a policy covering the elevator, alarms of this
   * elevator (or, when none are named, those raised within two hours of the incident).
   */
  private async checkFiling(
    dto: FileClaimDto,
    incidentAt: Date,
  ): Promise<{ policy: PolicyRow; alarmIds: string[]; named: string | null }> {
    const problems: FieldProblem[] = [];
    if (incidentAt.getTime() > this.clock.now().getTime() + 60_000)
      problems.push({ field: 'incidentAt', messages: ['incidentAt must not be in the future'] });
    const policy = await this.policies.findCovering(dto.policyId, dto.elevatorId);
    if (!policy)
      problems.push({ field: 'policyId', messages: ['no policy with this id covers the elevator'] });
    let alarmIds = dto.alarmIds ?? [];
    const named = dto.incidentAlarmId ?? null;
    if (named && !(await this.repo.alarmsOfElevator([named], dto.elevatorId)).has(named))
      problems.push({ field: 'incidentAlarmId', messages: ['not an alarm of this elevator'] });
    if (alarmIds.length > 0) {
      const ok = await this.repo.alarmsOfElevator(alarmIds, dto.elevatorId);
      alarmIds.forEach((a, i) => {
        if (!ok.has(a))
          problems.push({ field: `alarmIds.${i}`, messages: ['not an alarm of this elevator'] });
      });
    } else {
      const window = 2 * 3_600_000;
      alarmIds = await this.repo.alarmsBetween(
        dto.elevatorId,
        new Date(incidentAt.getTime() - window),
        new Date(incidentAt.getTime() + window),
      );
    }
    if (problems.length > 0 || !policy) throw new InvalidInputError(problems);
    if (named && !alarmIds.includes(named)) alarmIds = [...alarmIds, named];
    return { policy, alarmIds, named };
  }

  private checkPolicyInForce(policy: PolicyRow, incidentDay: string): void {
    if (policyActiveOn(policy, incidentDay)) return;
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

  async act(p: Principal, id: string, action: ClaimAction, dto: ClaimActionDto): Promise<ClaimDetail> {
    const claim = await this.find(p, id);
    const party = partyOf(p.role, p.organisationId === claim.insurer_id, p.role !== 'insurer');
    const check = checkTransition(claim.status, action, party);
    if (!check.ok) {
      if (check.reason === 'wrong_party') throw new ForbiddenError('WRONG_PARTY', check.message);
      throw new ConflictError('WRONG_STATUS', check.message);
    }
    const set: ClaimChanges = {};
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
      set.paid_at = this.clock.now();
    }
    if (action === 'reject') {
      if (!dto.reason) problems.push({ field: 'reason', messages: ['a rejection states its reason'] });
      set.rejection_reason = dto.reason;
    }
    if (problems.length > 0) throw new InvalidInputError(problems);
    await this.repo.transaction(async (tx) => {
      if (!(await this.repo.transition(tx, id, claim.status, check.to, set)))
        throw new ConflictError('CONCURRENT_CHANGE', 'the claim changed meanwhile; reload it');
      await this.repo.addEvent(
        tx,
        id,
        claim.status,
        check.to,
        p.username,
        p.role,
        dto.note ?? dto.reason ?? null,
        dto,
      );
      await this.audit.record(tx, p, `claim.${action}`, 'claim', id, {
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
      return await this.repo.transaction(async (tx) => {
        const documentId = await this.repo.insertDocument(tx, {
          claimId: id,
          kind,
          filename: file.originalname.slice(0, 200),
          contentType: type,
          sizeBytes: file.size,
          sha256: sha,
          storageKey: key,
          uploadedBy: p.username,
        });
        await this.audit.record(tx, p, 'claim.document.upload', 'claim', id, {
          documentId,
          kind,
          sha256: sha,
        });
        const docs = await this.repo.documents(id, tx);
        return docs.find((d) => d.id === documentId)!;
      });
    } catch (err) {
      // The same bytes may already belong to this claim under another row; keep the file then.
      if (!(await this.repo.storageKeyInUse(key))) await this.store.remove(key);
      throw err;
    }
  }

  async download(
    p: Principal,
    id: string,
    documentId: string,
  ): Promise<{ doc: DocumentView; content: Buffer }> {
    await this.find(p, id);
    const doc = (await this.repo.documents(id)).find((d) => d.id === documentId);
    const key = doc ? await this.repo.storageKey(documentId) : null;
    if (!doc || !key) throw new NotFoundError('Document', documentId);
    return { doc, content: await this.store.get(key) };
  }

  /** Per business month of filing: counts and sums, for the caller's claims. */
  async totals(p: Principal, from: Date, to: Date): Promise<ClaimTotals[]> {
    const rows = await this.repo.totals(this.scope(p), from, to, this.config.businessTimeZone);
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

  private async find(p: Principal, id: string): Promise<ClaimRow> {
    const row = await this.repo.find(id, this.scope(p));
    if (!row) throw new NotFoundError('Claim', id);
    return row;
  }

  private view(r: ClaimRow): ClaimView {
    const ageHours =
      Math.round(((this.clock.now().getTime() - r.status_changed_at.getTime()) / 3_600_000) * 10) / 10;
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
