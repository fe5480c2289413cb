import { Injectable } from '@nestjs/common';
import { type Db, SqlRepository } from '@liftwatch/database';
import { type IdFilter, scopeSql } from '@liftwatch/registry';
import { type Level } from '../plan/levels';
import { type ItemDto, type PartDto, type RecordView, type TechnicianDto } from './record.dto';

export interface RecordRow {
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
  /** SHA-256 of the visit's photos, in the order taken */
  photos: string[];
  client_ref: string | null;
  prev_hash: string | null;
  hash: string;
  cs_signer_name: string | null;
  cs_signer_title: string | null;
  cs_comment: string | null;
  cs_signed_at: Date | null;
  cs_signed_on: 'account' | 'on_site' | null;
  cs_signature_sha256: string | null;
  insp_samples: string;
  samples: string;
}

// IoT counts: frozen ones once the visit is settled (see freeze_record_iot), live ones until then.
const SELECT_RECORD = `
  SELECT * FROM (
    SELECT r.*, (SELECT c.id FROM maintenance_records c WHERE c.corrects_id = r.id LIMIT 1) AS corrected_by_id,
           s.signer_name AS cs_signer_name, s.signer_title AS cs_signer_title, s.comment AS cs_comment,
           s.signed_at AS cs_signed_at, s.signed_on AS cs_signed_on, s.signature_sha256 AS cs_signature_sha256,
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

/** What a record's hash covers: everything stored but the hash itself and the previous hash. */
export interface RecordContent {
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
  /** photo hashes; hashed only when there are some, so records before photos keep their hashes */
  photos: string[];
}

export interface NewRecord extends RecordContent {
  prevHash: string | null;
  hash: string;
  clientRef: string | null;
}

export type ChainRow = RecordRow & { cs_hash: string | null; cs_signed_by: string | null };

/** Every query of maintenance records, their countersignatures and the checklist they report on. */
@Injectable()
export class RecordRepository extends SqlRepository {
  async page(
    visibleElevators: IdFilter | null,
    f: {
      elevatorId?: string;
      from?: Date;
      to?: Date;
      iot?: 'verified' | 'unverified';
      limit: number;
      offset: number;
    },
  ): Promise<[RecordRow[], number]> {
    const scope = scopeSql('r.elevator_id', visibleElevators);
    const where: string[] = ['true'];
    const params: Record<string, unknown> = { ...scope.params };
    if (f.elevatorId) {
      where.push('r.elevator_id = :elevatorId');
      params.elevatorId = f.elevatorId;
    }
    if (f.from) {
      where.push('r.arrived_at >= :from');
      params.from = f.from;
    }
    if (f.to) {
      where.push('r.arrived_at < :to');
      params.to = f.to;
    }
    if (f.iot === 'verified') where.push('r.insp_samples > 0');
    if (f.iot === 'unverified') where.push('r.insp_samples = 0');
    const filter = `WHERE ${where.join(' AND ')}${scope.sql}`;
    const count = await this.sql.one<{ n: string }>(
      `SELECT count(*) AS n FROM (${SELECT_RECORD} ${filter}) x`,
      params,
    );
    const rows = await this.sql.query<RecordRow>(
      `${SELECT_RECORD} ${filter} ORDER BY r.arrived_at DESC, r.seq DESC LIMIT :limit OFFSET :offset`,
      { ...params, limit: f.limit, offset: f.offset },
    );
    return [rows, Number(count?.n ?? 0)];
  }

  find(id: string, visibleElevators: IdFilter | null = null, db?: Db): Promise<RecordRow | undefined> {
    const scope = scopeSql('r.elevator_id', visibleElevators);
    return this.sql.one<RecordRow>(
      `${SELECT_RECORD} WHERE r.id = :id${scope.sql}`,
      { id, ...scope.params },
      db,
    );
  }

  /**
   * Locks the elevator (one writer per chain at a time) and returns what the record keeps of it
   * and of the firm: codes, maker, installer, place, firm and licence as they are today.
   */
  async lockElevatorSnapshot(tx: Db, elevatorId: string, firmId: string): Promise<Record<string, unknown>> {
    return (
      (await this.sql.one<Record<string, unknown>>(
        `SELECT e.registration_code AS "registrationCode", e.equipment_code AS "equipmentCode", e.model,
                mo.name AS manufacturer, io.name AS installer, e.rescue_code AS "rescueCode",
                b.community, b.name AS building, u.name AS unit, b.address, b.region_code AS "regionCode",
                f.name AS firm, f.licence_number AS "firmLicence"
           FROM elevators e JOIN units u ON u.id = e.unit_id JOIN buildings b ON b.id = u.building_id
           LEFT JOIN organisations mo ON mo.id = e.manufacturer_id
           LEFT JOIN organisations io ON io.id = e.installer_id
           JOIN organisations f ON f.id = :firmId
          WHERE e.id = :elevatorId FOR UPDATE OF e`,
        { elevatorId, firmId },
        tx,
      )) ?? {}
    );
  }

  /** The record a correction names: its elevator and whether it has been corrected already. */
  correctionTarget(tx: Db, id: string): Promise<{ elevator_id: string; corrected: boolean } | undefined> {
    return this.sql.one(
      `SELECT r.elevator_id, EXISTS (SELECT 1 FROM maintenance_records c WHERE c.corrects_id = r.id) AS corrected
         FROM maintenance_records r WHERE r.id = :id`,
      { id },
      tx,
    );
  }

  /** The last link of the elevator's chain. */
  chainTail(tx: Db, elevatorId: string): Promise<{ seq: number; hash: string } | undefined> {
    return this.sql.one(
      `SELECT seq, hash FROM maintenance_records WHERE elevator_id = :elevatorId ORDER BY seq DESC LIMIT 1`,
      { elevatorId },
      tx,
    );
  }

  async insert(tx: Db, r: NewRecord): Promise<string> {
    const row = await this.sql.one<{ id: string }>(
      `INSERT INTO maintenance_records (elevator_id, seq, kind, level, corrects_id, contract_id, firm_id, arrived_at,
         departed_at, elevator_snapshot, technicians, items, adjustments, parts, remarks, recorded_at, recorded_by,
         prev_hash, hash, photos, client_ref)
       VALUES (:elevatorId, :seq, :kind, :level, :correctsId, :contractId, :firmId, :arrivedAt, :departedAt,
         CAST(:elevatorSnapshot AS jsonb), CAST(:technicians AS jsonb), CAST(:items AS jsonb), :adjustments,
         CAST(:parts AS jsonb), :remarks, :recordedAt, :recordedBy, :prevHash, :hash, CAST(:photos AS text[]),
         :clientRef)
       RETURNING id`,
      {
        ...r,
        elevatorSnapshot: JSON.stringify(r.elevatorSnapshot),
        technicians: JSON.stringify(r.technicians),
        items: JSON.stringify(r.items),
        parts: JSON.stringify(r.parts),
      },
      tx,
    );
    if (!row) throw new Error('maintenance record not inserted');
    return row.id;
  }

  /** The record a phone already submitted under its own reference, if any. */
  async idByClientRef(elevatorId: string, clientRef: string, db?: Db): Promise<string | null> {
    const row = await this.sql.one<{ id: string }>(
      `SELECT id FROM maintenance_records WHERE elevator_id = :elevatorId AND client_ref = :clientRef`,
      { elevatorId, clientRef },
      db,
    );
    return row?.id ?? null;
  }

  /** Stores a photo's metadata once per elevator (the bytes are in the document store). */
  async insertPhoto(p: {
    elevatorId: string;
    sha256: string;
    contentType: string;
    sizeBytes: number;
    uploadedBy: string;
  }): Promise<void> {
    await this.sql.query(
      `INSERT INTO maintenance_photos (elevator_id, sha256, content_type, size_bytes, uploaded_by)
       VALUES (:elevatorId, :sha256, :contentType, :sizeBytes, :uploadedBy) ON CONFLICT DO NOTHING`,
      { ...p },
    );
  }

  /** Which of these photo hashes were uploaded for the elevator. */
  async knownPhotos(elevatorId: string, hashes: readonly string[]): Promise<Set<string>> {
    if (hashes.length === 0) return new Set();
    const rows = await this.sql.query<{ sha256: string }>(
      `SELECT sha256 FROM maintenance_photos WHERE elevator_id = :elevatorId AND sha256 IN (:...hashes)`,
      { elevatorId, hashes: [...hashes] },
    );
    return new Set(rows.map((r) => r.sha256));
  }

  photo(elevatorId: string, sha256: string): Promise<{ content_type: string } | undefined> {
    return this.sql.one(
      `SELECT content_type FROM maintenance_photos WHERE elevator_id = :elevatorId AND sha256 = :sha256`,
      { elevatorId, sha256 },
    );
  }

  async insertCountersignature(
    tx: Db,
    c: {
      recordId: string;
      signerName: string;
      signerTitle: string;
      comment: string | null;
      signedAt: Date;
      signedBy: string;
      hash: string;
      signedOn?: 'account' | 'on_site';
      signatureSha256?: string | null;
    },
  ): Promise<void> {
    await this.sql.query(
      `INSERT INTO maintenance_countersignatures
              (record_id, signer_name, signer_title, comment, signed_at, signed_by, hash, signed_on, signature_sha256)
       VALUES (:recordId, :signerName, :signerTitle, :comment, :signedAt, :signedBy, :hash, :signedOn, :signatureSha256)`,
      { ...c, signedOn: c.signedOn ?? 'account', signatureSha256: c.signatureSha256 ?? null },
      tx,
    );
  }

  /** The elevator's whole chain in order, with each countersignature and its hash. */
  chain(elevatorId: string): Promise<ChainRow[]> {
    return this.sql.query<ChainRow>(
      `SELECT r.*, s.signer_name AS cs_signer_name, s.signer_title AS cs_signer_title, s.comment AS cs_comment,
              s.signed_at AS cs_signed_at, s.signed_by AS cs_signed_by, s.hash AS cs_hash,
              s.signed_on AS cs_signed_on, s.signature_sha256 AS cs_signature_sha256
         FROM maintenance_records r LEFT JOIN maintenance_countersignatures s ON s.record_id = r.id
        WHERE r.elevator_id = :elevatorId ORDER BY r.seq`,
      { elevatorId },
    );
  }

  /** The traction-elevator checklist (TSG T5002 items) with each item's level. */
  checklist(): Promise<
    Array<{ code: string; level: Level; active: boolean; safetyCritical: boolean; titleZh: string }>
  > {
    return this.sql.query(
      `SELECT code, level, active, safety_critical AS "safetyCritical", title_zh AS "titleZh"
         FROM maintenance_checklist_items WHERE elevator_type = 'traction'`,
    );
  }

  /**
   * Visits of the elevator from `since` (a day) up to `until`, each with its inspection-mode
   * telemetry count (frozen once settled).
   */
  visitsBetween(
    elevatorId: string,
    since: string,
    until: Date,
  ): Promise<
    Array<Record<string, unknown> & { arrivedAt: Date; departedAt: Date; inspectionModeSamples: number }>
  > {
    return this.sql.query(
      `SELECT r.id, r.seq, r.kind, r.level, r.arrived_at AS "arrivedAt", r.departed_at AS "departedAt", r.firm_id AS "firmId",
              r.hash, coalesce(fz.inspection_samples,
                (SELECT count(*) FROM telemetry_status t WHERE t.elevator_id = r.elevator_id AND t.mode = 2
                    AND t.ts >= r.arrived_at AND t.ts <= r.departed_at))::int AS "inspectionModeSamples"
         FROM maintenance_records r LEFT JOIN maintenance_record_iot fz ON fz.record_id = r.id
        WHERE r.elevator_id = :elevatorId AND r.arrived_at >= CAST(:since AS date) AND r.arrived_at <= :until
        ORDER BY r.seq`,
      { elevatorId, since, until },
    );
  }

  /** Freezes the IoT counts of visits that ended more than `days` ago (no device data can still arrive for them). */
  async freezeIotBefore(days: number): Promise<number> {
    const row = await this.sql.one<{ n: number }>(
      `SELECT freeze_record_iot(now() - make_interval(days => CAST(:days AS int))) AS n`,
      { days },
    );
    return Number(row?.n ?? 0);
  }
}
