import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { DOCUMENT_STORE, type DocumentStore, sha256Hex, sniffContentType } from '@liftwatch/documents';
import { type EntityManager } from 'typeorm';
import { AuditService, isFirmStaff, type Principal } from '@liftwatch/access';
import { businessDate } from '@liftwatch/calendar';
import {
  ConflictError,
  ForbiddenError,
  type FieldProblem,
  InvalidInputError,
  NotFoundError,
  RuleViolationError,
} from '@liftwatch/contract';
import { Clock } from '@liftwatch/calendar';
import { type NotificationView, Notices, VisibilityRepository } from '@liftwatch/registry';
import { type Db } from '@liftwatch/database';
import { type ActiveContractRow, MaintenanceRepository } from '../maintenance.repository';
import { type NewRecord, type RecordContent, RecordRepository, type RecordRow } from './record.repository';
import { levelRank } from '../plan/levels';
import {
  type CountersignDto,
  type CreateRecordDto,
  type IotVerification,
  type RecordQueryDto,
  type PhotoView,
  type RecordView,
  type UploadedFile,
} from './record.dto';
import { chainHash, verifyChain } from './record-chain';
import { type ChainReport } from './record.dto';

/** The content a record's hash covers: everything stored except the hash itself. */
function hashedContent({ photos, ...r }: RecordContent): Record<string, unknown> {
  return {
    ...r,
    ...(photos.length > 0 ? { photos } : {}),
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
    photos: r.photos,
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
    private readonly records: RecordRepository,
    private readonly repo: MaintenanceRepository,
    private readonly visibility: VisibilityRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly notices: Notices,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DOCUMENT_STORE) private readonly store: DocumentStore,
  ) {}

  async list(p: Principal, q: RecordQueryDto): Promise<[RecordView[], number]> {
    const [rows, total] = await this.records.page(this.visibility.elevators(p), {
      elevatorId: q.elevatorId,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      iot: q.iot === 'verified' || q.iot === 'unverified' ? q.iot : undefined,
      limit: q.limit,
      offset: q.offset,
    });
    return [rows.map(view), total];
  }

  async get(p: Principal, id: string): Promise<RecordView> {
    return view(await this.find(p, id));
  }

  /**
   * Appends a visit to the elevator's chain: the visit's own checks, the contract in force that
   * day (and that the caller is its firm), then — one writer per elevator — the snapshot, the
   * correction target, the next link and its hash.
   */
  async create(p: Principal, elevatorId: string, dto: CreateRecordDto): Promise<RecordView> {
    if (!(await this.visibility.canSeeElevator(p, elevatorId)))
      throw new NotFoundError('Elevator', elevatorId);
    const arrivedAt = new Date(dto.arrivedAt);
    const departedAt = new Date(dto.departedAt);
    // a phone retrying a submit whose answer it never received gets the record it already stored
    const resent = dto.clientRef ? await this.records.idByClientRef(elevatorId, dto.clientRef) : null;
    if (resent) return this.get(p, resent);
    const problems = [
      ...this.visitProblems(dto, arrivedAt, departedAt),
      ...(await this.checkItems(dto)),
      ...(await this.checkPhotos(elevatorId, dto.photos ?? [])),
      ...(await this.checkSignature(elevatorId, dto)),
    ];
    if (problems.length > 0) throw new InvalidInputError(problems);
    const contract = await this.contractOfVisit(p, elevatorId, arrivedAt);
    const [record, notices] = await this.records.transaction(
      async (tx): Promise<[RecordView, NotificationView[]]> => {
        const elevatorSnapshot = await this.records.lockElevatorSnapshot(tx, elevatorId, contract.firm_id);
        // the same submit sent twice at once: the second waited for the lock and finds the first
        const first = dto.clientRef ? await this.records.idByClientRef(elevatorId, dto.clientRef, tx) : null;
        if (first) return [view((await this.records.find(first, null, tx)) as RecordRow), []];
        if (dto.correctsId) await this.checkCorrectionTarget(tx, dto.correctsId, elevatorId);
        const last = await this.records.chainTail(tx, elevatorId);
        const link: Omit<NewRecord, 'prevHash' | 'hash' | 'clientRef'> = {
          elevatorId,
          seq: (last?.seq ?? 0) + 1,
          kind: dto.kind,
          level: dto.level ?? null,
          correctsId: dto.correctsId ?? null,
          contractId: contract.contract_id,
          firmId: contract.firm_id,
          arrivedAt,
          departedAt,
          elevatorSnapshot,
          technicians: dto.technicians.map((t) => ({ name: t.name, certificateNumber: t.certificateNumber })),
          items: dto.items.map((i) => ({ code: i.code, result: i.result, note: i.note ?? null })),
          adjustments: dto.adjustments ?? null,
          parts: (dto.parts ?? []).map((x) => ({
            name: x.name,
            quantity: x.quantity,
            costFen: x.costFen ?? null,
          })),
          remarks: dto.remarks ?? null,
          recordedAt: new Date(this.clock.now().getTime()),
          recordedBy: p.username,
          photos: dto.photos ?? [],
        };
        const prevHash = last?.hash ?? null;
        const hash = chainHash(prevHash, hashedContent(link));
        const id = await this.records.insert(tx, {
          ...link,
          prevHash,
          hash,
          clientRef: dto.clientRef ?? null,
        });
        await this.audit.record(tx, p, 'maintenance_record.create', 'maintenance_record', id, {
          elevatorId,
          seq: link.seq,
          kind: dto.kind,
          level: dto.level ?? null,
          hash,
        });
        if (dto.countersignature) {
          // signed at the car before the technician left: the record's departure is its time
          const cs = dto.countersignature;
          const signerTitle = cs.signerTitle ?? '安全管理员';
          await this.records.insertCountersignature(tx, {
            recordId: id,
            signerName: cs.signerName,
            signerTitle,
            comment: null,
            signedAt: departedAt,
            signedBy: p.username,
            signedOn: 'on_site',
            signatureSha256: cs.signature,
            hash: chainHash(
              hash,
              countersignContent(id, cs.signerName, signerTitle, null, departedAt, p.username, cs.signature),
            ),
          });
        }
        const stored = view((await this.records.find(id, null, tx)) as RecordRow);
        return [stored, await this.tellOwners(tx, stored)];
      },
    );
    this.notices.publish(notices);
    return record;
  }

  /** Photos named by a record must have been uploaded for its elevator first. */
  private async checkPhotos(elevatorId: string, photos: readonly string[]): Promise<FieldProblem[]> {
    const known = await this.records.knownPhotos(elevatorId, photos);
    const problems: FieldProblem[] = [];
    photos.forEach((h, i) => {
      if (!known.has(h))
        problems.push({ field: `photos.${i}`, messages: ['upload the photo for this elevator first'] });
    });
    if (new Set(photos).size !== photos.length)
      problems.push({ field: 'photos', messages: ['a photo is listed twice'] });
    return problems;
  }

  /**
   * Stores a visit photo (JPEG, PNG or WebP, sniffed from the bytes) under its SHA-256; a record
   * lists the hashes, so the chain covers the photos. Uploading the same photo again is harmless.
   */
  async uploadPhoto(p: Principal, elevatorId: string, file: UploadedFile | undefined): Promise<PhotoView> {
    if (!(await this.visibility.canSeeElevator(p, elevatorId)))
      throw new NotFoundError('Elevator', elevatorId);
    if (!isFirmStaff(p.role) && p.role !== 'admin')
      throw new ForbiddenError('NOT_ALLOWED', 'visit photos come from the maintenance firm');
    if (!file || file.size === 0)
      throw InvalidInputError.field('file', 'attach one non-empty photo as multipart field "file"');
    if (file.size > this.config.documents.maxBytes)
      throw InvalidInputError.field('file', `photos are limited to ${this.config.documents.maxBytes} bytes`);
    const type = sniffContentType(file.buffer);
    if (type !== 'image/jpeg' && type !== 'image/png' && type !== 'image/webp')
      throw InvalidInputError.field(
        'file',
        'only JPEG, PNG and WebP photos are accepted',
        'UNSUPPORTED_MEDIA_TYPE',
      );
    const sha256 = sha256Hex(file.buffer);
    await this.store.put(`${elevatorId}/${sha256}`, file.buffer);
    await this.records.insertPhoto({
      elevatorId,
      sha256,
      contentType: type,
      sizeBytes: file.size,
      uploadedBy: p.username,
    });
    return { sha256, contentType: type, sizeBytes: file.size };
  }

  /** A photo of a record the caller sees. */
  async photo(
    p: Principal,
    recordId: string,
    sha256: string,
  ): Promise<{ contentType: string; content: Buffer }> {
    const r = await this.find(p, recordId);
    const ofRecord = r.photos.includes(sha256) || r.cs_signature_sha256 === sha256;
    const meta = ofRecord ? await this.records.photo(r.elevator_id, sha256) : undefined;
    if (!meta) throw new NotFoundError('Photo', sha256);
    return { contentType: meta.content_type, content: await this.store.get(`${r.elevator_id}/${sha256}`) };
  }

  /** The owners hear of every visit recorded on their elevator (the notice links the record). */
  private async tellOwners(tx: Db, r: RecordView): Promise<NotificationView[]> {
    const unitId = await this.notices.unitOfElevator(r.elevatorId, tx);
    if (!unitId) return [];
    const what = r.kind === 'routine' ? `${r.level} maintenance` : r.kind.replace(/_/g, ' ');
    const code = r.elevatorSnapshot.registrationCode;
    const registrationCode = typeof code === 'string' ? code : null;
    return this.notices.store(tx, [
      {
        kind: 'visit_recorded',
        elevatorId: r.elevatorId,
        organisationId: null,
        unitId,
        dedupeKey: `visit_recorded:${r.id}`,
        title: `${registrationCode ?? ''}: ${what} visit recorded`,
        data: {
          recordId: r.id,
          kind: r.kind,
          level: r.level,
          departedAt: r.departedAt,
          registrationCode,
        },
      },
    ]);
  }

  /** The visit's own field checks: times, level, correction. */
  private visitProblems(dto: CreateRecordDto, arrivedAt: Date, departedAt: Date): FieldProblem[] {
    const problems: FieldProblem[] = [];
    if (departedAt <= arrivedAt)
      problems.push({ field: 'departedAt', messages: ['departedAt must be after arrivedAt'] });
    else if (departedAt.getTime() - arrivedAt.getTime() > MAX_VISIT_MS) {
      problems.push({ field: 'departedAt', messages: ['a visit lasts at most 24 hours'] });
    }
    if (departedAt.getTime() > this.clock.now().getTime() + 5 * 60_000) {
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
    return problems;
  }

  /** The contract covering the elevator on the visit's day; only its firm (or an admin) records. */
  private async contractOfVisit(
    p: Principal,
    elevatorId: string,
    arrivedAt: Date,
  ): Promise<ActiveContractRow> {
    const visitDay = businessDate(arrivedAt, this.clock.timeZone);
    const contract = (await this.repo.activeContracts([elevatorId], visitDay)).get(elevatorId);
    if (!contract) {
      throw new RuleViolationError(
        'NO_CONTRACT',
        `no maintenance contract covers this elevator on ${visitDay}`,
        [{ field: 'arrivedAt', messages: [`no maintenance contract on ${visitDay}`] }],
      );
    }
    if (isFirmStaff(p.role) && p.organisationId !== contract.firm_id) {
      throw new ForbiddenError(
        'NOT_YOUR_CONTRACT',
        `the elevator was maintained by another firm on ${visitDay}`,
      );
    }
    if (!isFirmStaff(p.role) && p.role !== 'admin') {
      throw new ForbiddenError('FIRM_ONLY', 'maintenance records are written by the maintenance firm');
    }
    return contract;
  }

  /** A correction names a record of the same elevator that nobody corrected yet. */
  private async checkCorrectionTarget(
    tx: EntityManager,
    correctsId: string,
    elevatorId: string,
  ): Promise<void> {
    const target = await this.records.correctionTarget(tx, correctsId);
    if (!target || target.elevator_id !== elevatorId) {
      throw InvalidInputError.field('correctsId', 'correctsId must be a record of this elevator');
    }
    if (target.corrected)
      throw new ConflictError(
        'ALREADY_CORRECTED',
        'that record has been corrected already; correct the correction',
      );
  }

  async countersign(p: Principal, id: string, dto: CountersignDto): Promise<RecordView> {
    const record = await this.find(p, id);
    if (!['owner', 'agent', 'admin'].includes(p.role)) {
      throw new ForbiddenError('OWNERS_ONLY', "the owners' safety manager countersigns");
    }
    if (record.cs_signed_at)
      throw new ConflictError('ALREADY_COUNTERSIGNED', 'this record is countersigned already');
    return this.records.transaction(async (tx) => {
      const signedAt = new Date(this.clock.now().getTime());
      const signerTitle = dto.signerTitle ?? '安全管理员';
      const hash = chainHash(
        record.hash,
        countersignContent(id, dto.signerName, signerTitle, dto.comment ?? null, signedAt, p.username),
      );
      await this.records.insertCountersignature(tx, {
        recordId: id,
        signerName: dto.signerName,
        signerTitle,
        comment: dto.comment ?? null,
        signedAt,
        signedBy: p.username,
        hash,
      });
      await this.audit.record(tx, p, 'maintenance_record.countersign', 'maintenance_record', id, {
        signerName: dto.signerName,
      });
      return view((await this.records.find(id, null, tx)) as RecordRow);
    });
  }

  /** Recomputes the elevator's whole chain and every countersignature. */
  async verify(p: Principal, elevatorId: string): Promise<ChainReport> {
    if (!(await this.visibility.canSeeElevator(p, elevatorId)))
      throw new NotFoundError('Elevator', elevatorId);
    return this.verifyElevator(elevatorId);
  }

  async verifyElevator(elevatorId: string): Promise<ChainReport> {
    const rows = await this.records.chain(elevatorId);
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
          r.cs_signed_on === 'on_site' ? r.cs_signature_sha256 : null,
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
      verifiedAt: this.clock.now().toISOString(),
    };
  }

  /** An on-site countersignature's image was uploaded for this elevator and is not also a photo. */
  private async checkSignature(elevatorId: string, dto: CreateRecordDto): Promise<FieldProblem[]> {
    const sha = dto.countersignature?.signature;
    if (!sha) return [];
    if ((await this.records.knownPhotos(elevatorId, [sha])).size === 0)
      return [
        {
          field: 'countersignature.signature',
          messages: ['upload the signature image for this elevator first'],
        },
      ];
    if ((dto.photos ?? []).includes(sha))
      return [{ field: 'countersignature.signature', messages: ['the signature is not one of the photos'] }];
    return [];
  }

  /**
   * Every code must exist; routine work must cover every active item of its level and below; a
   * defect is described, and a defect of a safety-critical part is photographed.
   */
  private async checkItems(dto: CreateRecordDto): Promise<FieldProblem[]> {
    const items = await this.records.checklist();
    const known = new Map(items.map((i) => [i.code, i]));
    const problems: FieldProblem[] = [];
    const seen = new Set<string>();
    const unphotographed: string[] = [];
    dto.items.forEach((item, i) => {
      const def = known.get(item.code);
      if (!def)
        problems.push({ field: `items.${i}.code`, messages: [`unknown checklist item ${item.code}`] });
      if (seen.has(item.code))
        problems.push({ field: `items.${i}.code`, messages: [`item ${item.code} is listed twice`] });
      seen.add(item.code);
      if (item.result === 'defect' && !item.note?.trim())
        problems.push({ field: `items.${i}.note`, messages: [`describe the defect found on ${item.code}`] });
      if (item.result === 'defect' && def?.safetyCritical) unphotographed.push(`${item.code} ${def.titleZh}`);
    });
    if (unphotographed.length > 0 && (dto.photos ?? []).length === 0)
      problems.push({
        field: 'photos',
        messages: [`a defect of a safety-critical part needs a photo: ${unphotographed.join(', ')}`],
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
    const row = await this.records.find(id, this.visibility.elevators(p));
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
  /** on-site signatures only: the signature image's hash (older countersignatures hash without it) */
  signatureSha256: string | null = null,
): Record<string, unknown> {
  return {
    recordId,
    signerName,
    signerTitle,
    comment,
    signedAt: signedAt.toISOString(),
    signedBy,
    ...(signatureSha256 ? { signatureSha256, signedOn: 'on_site' } : {}),
  };
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
    photos: r.photos,
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
          signedOn: r.cs_signed_on ?? 'account',
          signatureSha256: r.cs_signature_sha256,
        }
      : null,
    iot: iotOf(r),
  };
}
