import { Injectable } from '@nestjs/common';
import { type Db, SqlRepository } from '@liftwatch/database';
import { type IdFilter } from '@liftwatch/registry';
import { type ClaimStatus } from './claim-workflow';
import { type ClaimView, type DocumentView } from './claim.dto';
import { type SuggestedPayout } from './payout';

export interface ClaimRow {
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

export interface ClaimEventRow {
  at: Date;
  from_status: string | null;
  to_status: ClaimStatus;
  actor_username: string;
  actor_role: string;
  note: string | null;
}

export interface ClaimTotalsRow {
  period: string;
  filed: string;
  open: string;
  rejected: string;
  paid: string;
  assessed_fen: string;
  paid_fen: string;
}

/**
 * Who sees which claims: all (admin), an insurer's policies, the claims a kind of claimant filed
 * on elevators the caller sees (owners, agent, firm), or none (regulator).
 */
export type ClaimScope =
  | { all: true }
  | { none: true }
  | { insurerId: string | null }
  | { claimantKind: string; elevators: IdFilter | null };

export interface NewClaim {
  claimNumber: string;
  policyId: string;
  elevatorId: string;
  claimantKind: string;
  filedBy: string;
  filedByRole: string;
  incidentAt: Date;
  incidentType: string;
  description: string;
  peopleAffected: number;
  claimedAmountFen: number | null;
  alarmIds: string[];
  evidence: { canonical: string; hash: string };
  suggestedPayout: SuggestedPayout | null;
}

/** Columns a stage action may set besides the status (see ClaimsService.act). */
export interface ClaimChanges {
  liability?: string;
  assessed_amount_fen?: number;
  paid_amount_fen?: number;
  paid_at?: Date;
  rejection_reason?: string;
}

const CHANGEABLE: ReadonlyArray<keyof ClaimChanges> = [
  'liability',
  'assessed_amount_fen',
  'paid_amount_fen',
  'paid_at',
  'rejection_reason',
];

const SELECT_CLAIM = `
  SELECT c.id, c.claim_number, c.policy_id, p.policy_number, p.insurer_id, c.elevator_id, c.claimant_kind, c.filed_by,
         c.incident_at, c.incident_type, c.description, c.people_affected, c.claimed_amount_fen,
         ARRAY(SELECT unnest(c.alarm_ids)::text) AS alarm_ids, c.status, c.status_changed_at, c.liability,
         c.assessed_amount_fen, c.paid_amount_fen, c.paid_at, c.rejection_reason, c.evidence_hash, c.suggested_payout,
         c.created_at, p.limits
    FROM claims c JOIN insurance_policies p ON p.id = c.policy_id`;

/** Every query of claims: the queue, one claim, its history, evidence, documents and totals. */
@Injectable()
export class ClaimRepository extends SqlRepository {
  private scopeSql(scope: ClaimScope): { sql: string; params: Record<string, unknown> } {
    if ('all' in scope) return { sql: '', params: {} };
    if ('none' in scope) return { sql: ' AND false', params: {} };
    if ('insurerId' in scope)
      return { sql: ' AND p.insurer_id = :scopeOrg', params: { scopeOrg: scope.insurerId } };
    const e = scope.elevators;
    return {
      sql: ` AND c.claimant_kind = :scopeKind${e ? ` AND c.elevator_id IN (${e.sql})` : ''}`,
      params: { scopeKind: scope.claimantKind, ...(e?.params ?? {}) },
    };
  }

  /** The queue: open claims first, oldest in its stage first. */
  async page(
    scope: ClaimScope,
    f: { status?: string; open?: boolean; elevatorId?: string; limit: number; offset: number },
  ): Promise<[ClaimRow[], number]> {
    const s = this.scopeSql(scope);
    const where: string[] = ['true'];
    const params: Record<string, unknown> = { ...s.params };
    if (f.status) {
      where.push('c.status = :status');
      params.status = f.status;
    }
    if (f.open) where.push(`c.status NOT IN ('closed', 'rejected')`);
    if (f.elevatorId) {
      where.push('c.elevator_id = :elevatorId');
      params.elevatorId = f.elevatorId;
    }
    const filter = `WHERE ${where.join(' AND ')}${s.sql}`;
    const count = await this.sql.one<{ n: string }>(
      `SELECT count(*) AS n FROM claims c JOIN insurance_policies p ON p.id = c.policy_id ${filter}`,
      params,
    );
    const rows = await this.sql.query<ClaimRow>(
      `${SELECT_CLAIM} ${filter} ORDER BY c.status IN ('closed', 'rejected'), c.status_changed_at LIMIT :limit OFFSET :offset`,
      { ...params, limit: f.limit, offset: f.offset },
    );
    return [rows, Number(count?.n ?? 0)];
  }

  find(id: string, scope: ClaimScope): Promise<ClaimRow | undefined> {
    const s = this.scopeSql(scope);
    return this.sql.one<ClaimRow>(`${SELECT_CLAIM} WHERE c.id = :id${s.sql}`, { id, ...s.params });
  }

  events(claimId: string): Promise<ClaimEventRow[]> {
    return this.sql.query<ClaimEventRow>(
      `SELECT at, from_status, to_status, actor_username, actor_role, note FROM claim_events
        WHERE claim_id = :claimId ORDER BY id`,
      { claimId },
    );
  }

  /** The latest evidence version of the claim. */
  evidence(claimId: string): Promise<
    | {
        bundle: string;
        hash: string;
        frozen_at: Date;
        version: number;
        chosen_by: string | null;
        reason: string | null;
      }
    | undefined
  > {
    return this.sql.one(
      `SELECT bundle, hash, frozen_at, version, chosen_by, reason FROM claim_evidence WHERE claim_id = :claimId
        ORDER BY version DESC LIMIT 1`,
      { claimId },
    );
  }

  /** Every evidence version's hash, oldest first (the earlier ones stay as they were frozen). */
  evidenceVersions(
    claimId: string,
  ): Promise<
    Array<{ version: number; hash: string; frozen_at: Date; chosen_by: string | null; reason: string | null }>
  > {
    return this.sql.query(
      `SELECT version, hash, frozen_at, chosen_by, reason FROM claim_evidence WHERE claim_id = :claimId ORDER BY version`,
      { claimId },
    );
  }

  /** Freezes a new evidence version and points the claim at it. */
  async refreeze(
    tx: Db,
    claimId: string,
    e: { canonical: string; hash: string; alarmIds: string[]; chosenBy: string; reason: string },
  ): Promise<void> {
    await this.sql.query(
      `INSERT INTO claim_evidence (claim_id, bundle, hash, version, chosen_by, reason)
       SELECT :claimId, :bundle, :hash, coalesce(max(version), 0) + 1, :chosenBy, :reason
         FROM claim_evidence WHERE claim_id = :claimId`,
      { claimId, bundle: e.canonical, hash: e.hash, chosenBy: e.chosenBy, reason: e.reason },
      tx,
    );
    await this.sql.query(
      `UPDATE claims SET evidence_hash = :hash, alarm_ids = CAST(:alarmIds AS uuid[]) WHERE id = :claimId`,
      { claimId, hash: e.hash, alarmIds: e.alarmIds },
      tx,
    );
  }

  /** Registration codes of elevators, for exports (users read codes, not ids). */
  async registrationCodes(elevatorIds: string[]): Promise<Map<string, string>> {
    if (elevatorIds.length === 0) return new Map();
    const rows = await this.sql.query<{ id: string; registration_code: string }>(
      `SELECT id, registration_code FROM elevators WHERE id IN (:...ids)`,
      { ids: [...new Set(elevatorIds)] },
    );
    return new Map(rows.map((r) => [r.id, r.registration_code]));
  }

  /** Which of `ids` are alarms of the elevator. */
  async alarmsOfElevator(ids: string[], elevatorId: string): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.sql.query<{ id: string }>(
      `SELECT id FROM alarms WHERE id IN (:...ids) AND elevator_id = :elevatorId`,
      { ids, elevatorId },
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Alarms of the elevator (offline aside) that began between `from` and `to`, in order. */
  async alarmsBetween(elevatorId: string, from: Date, to: Date): Promise<string[]> {
    const rows = await this.sql.query<{ id: string }>(
      `SELECT id FROM alarms WHERE elevator_id = :elevatorId AND type <> 'offline'
          AND first_seen_ts BETWEEN :from AND :to ORDER BY first_seen_ts`,
      { elevatorId, from, to },
    );
    return rows.map((r) => r.id);
  }

  /** The claim with its frozen evidence and its first history entry. */
  async insert(tx: Db, c: NewClaim): Promise<string> {
    const row = await this.sql.one<{ id: string }>(
      `INSERT INTO claims (claim_number, policy_id, elevator_id, claimant_kind, filed_by, incident_at, incident_type,
         description, people_affected, claimed_amount_fen, alarm_ids, evidence_hash, suggested_payout)
       VALUES (:claimNumber, :policyId, :elevatorId, :claimantKind, :filedBy, :incidentAt, :incidentType,
         :description, :peopleAffected, :claimedAmountFen, CAST(:alarmIds AS uuid[]), :hash, CAST(:payout AS jsonb))
       RETURNING id`,
      {
        ...c,
        hash: c.evidence.hash,
        payout: c.suggestedPayout ? JSON.stringify(c.suggestedPayout) : null,
      },
      tx,
    );
    if (!row) throw new Error('claim not inserted');
    await this.sql.query(
      `INSERT INTO claim_evidence (claim_id, bundle, hash) VALUES (:id, :bundle, :hash)`,
      { id: row.id, bundle: c.evidence.canonical, hash: c.evidence.hash },
      tx,
    );
    await this.addEvent(
      tx,
      row.id,
      null,
      'reported',
      c.filedBy,
      c.filedByRole,
      'claim filed; evidence frozen',
      null,
    );
    return row.id;
  }

  /**
   * Moves the claim from `from` to `to` with its changes, if nobody moved it meanwhile; returns
   * whether it did.
   */
  async transition(
    tx: Db,
    id: string,
    from: ClaimStatus,
    to: ClaimStatus,
    changes: ClaimChanges,
  ): Promise<boolean> {
    const columns = CHANGEABLE.filter((c) => c in changes);
    const assignments = columns.map((c) => `, ${c} = :${c}`).join('');
    const rows = await this.sql.query(
      `WITH u AS (UPDATE claims SET status = :to, status_changed_at = now()${assignments}
                   WHERE id = :id AND status = :from RETURNING id) SELECT id FROM u`,
      { id, from, to, ...changes },
      tx,
    );
    return rows.length > 0;
  }

  async addEvent(
    tx: Db,
    claimId: string,
    from: ClaimStatus | null,
    to: ClaimStatus,
    actor: string,
    role: string,
    note: string | null,
    data: object | null,
  ): Promise<void> {
    await this.sql.query(
      `INSERT INTO claim_events (claim_id, from_status, to_status, actor_username, actor_role, note, data)
       VALUES (:claimId, :from, :to, :actor, :role, :note, CAST(:data AS jsonb))`,
      { claimId, from, to, actor, role, note, data: data ? JSON.stringify(data) : null },
      tx,
    );
  }

  async insertDocument(
    tx: Db,
    d: {
      claimId: string;
      kind: string;
      filename: string;
      contentType: string;
      sizeBytes: number;
      sha256: string;
      storageKey: string;
      uploadedBy: string;
    },
  ): Promise<string> {
    const row = await this.sql.one<{ id: string }>(
      `INSERT INTO claim_documents (claim_id, kind, filename, content_type, size_bytes, sha256, storage_key, uploaded_by)
       VALUES (:claimId, :kind, :filename, :contentType, :sizeBytes, :sha256, :storageKey, :uploadedBy) RETURNING id`,
      d,
      tx,
    );
    if (!row) throw new Error('document not inserted');
    return row.id;
  }

  async documents(claimId: string, db?: Db): Promise<DocumentView[]> {
    const rows = await this.sql.query<DocumentView & { uploadedAt: Date }>(
      `SELECT id, kind, filename, content_type AS "contentType", size_bytes AS "sizeBytes", sha256,
              uploaded_by AS "uploadedBy", uploaded_at AS "uploadedAt"
         FROM claim_documents WHERE claim_id = :claimId ORDER BY uploaded_at, id`,
      { claimId },
      db,
    );
    return rows.map((r) => ({ ...r, uploadedAt: r.uploadedAt.toISOString() }));
  }

  async storageKey(documentId: string): Promise<string | null> {
    const row = await this.sql.one<{ storage_key: string }>(
      `SELECT storage_key FROM claim_documents WHERE id = :documentId`,
      { documentId },
    );
    return row?.storage_key ?? null;
  }

  async storageKeyInUse(key: string): Promise<boolean> {
    return (
      (await this.sql.one(`SELECT 1 FROM claim_documents WHERE storage_key = :key`, { key })) !== undefined
    );
  }

  /** Per business month of filing: counts and sums. */
  totals(scope: ClaimScope, from: Date, to: Date, timeZone: string): Promise<ClaimTotalsRow[]> {
    const s = this.scopeSql(scope);
    return this.sql.query<ClaimTotalsRow>(
      `SELECT to_char(c.created_at AT TIME ZONE :tz, 'YYYY-MM') AS period, count(*) AS filed,
              count(*) FILTER (WHERE c.status NOT IN ('closed', 'rejected', 'paid')) AS open,
              count(*) FILTER (WHERE c.status = 'rejected') AS rejected,
              count(*) FILTER (WHERE c.paid_at IS NOT NULL) AS paid,
              coalesce(sum(c.assessed_amount_fen), 0) AS assessed_fen, coalesce(sum(c.paid_amount_fen), 0) AS paid_fen
         FROM claims c JOIN insurance_policies p ON p.id = c.policy_id
        WHERE c.created_at >= :from AND c.created_at < :to${s.sql}
        GROUP BY 1 ORDER BY 1`,
      { tz: timeZone, from, to, ...s.params },
    );
  }
}
