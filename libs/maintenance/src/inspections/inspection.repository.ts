import { Injectable } from '@nestjs/common';
import { type Db, SqlRepository } from '@liftwatch/database';
import { type InspectionView } from './inspection.dto';
import { type CreateInspectionDto } from './inspections.service';

const SELECT = `
  SELECT id, elevator_id AS "elevatorId", kind, to_char(inspected_on, 'YYYY-MM-DD') AS "inspectedOn", result,
         next_due_month AS "nextDueMonth", report_number AS "reportNumber", certificate_number AS "certificateNumber",
         inspector_organisation AS "inspectorOrganisation", fee_fen::float8 AS "feeFen", supersedes_id AS "supersedesId",
         remarks, recorded_at AS "recordedAt", recorded_by AS "recordedBy"
    FROM inspection_records`;

const iso = (r: InspectionView & { recordedAt: Date }): InspectionView => ({
  ...r,
  recordedAt: r.recordedAt.toISOString(),
});

/** Every query of periodic-inspection and self-test reports. */
@Injectable()
export class InspectionRepository extends SqlRepository {
  async ofElevator(elevatorId: string): Promise<InspectionView[]> {
    const rows = await this.sql.query<InspectionView & { recordedAt: Date }>(
      `${SELECT} WHERE elevator_id = :elevatorId ORDER BY inspected_on DESC, recorded_at DESC`,
      { elevatorId },
    );
    return rows.map(iso);
  }

  async find(id: string, db?: Db): Promise<InspectionView | undefined> {
    const row = await this.sql.one<InspectionView & { recordedAt: Date }>(
      `${SELECT} WHERE id = :id`,
      { id },
      db,
    );
    return row ? iso(row) : undefined;
  }

  async insert(tx: Db, elevatorId: string, dto: CreateInspectionDto, by: string): Promise<string> {
    const row = await this.sql.one<{ id: string }>(
      `INSERT INTO inspection_records (elevator_id, kind, inspected_on, result, next_due_month, report_number,
         certificate_number, inspector_organisation, fee_fen, supersedes_id, remarks, recorded_by)
       VALUES (:elevatorId, :kind, :inspectedOn, :result, :nextDueMonth, :reportNumber, :certificateNumber,
         :inspectorOrganisation, :feeFen, :supersedesId, :remarks, :by) RETURNING id`,
      {
        elevatorId,
        kind: dto.kind,
        inspectedOn: dto.inspectedOn,
        result: dto.result,
        nextDueMonth: dto.nextDueMonth ?? null,
        reportNumber: dto.reportNumber,
        certificateNumber: dto.certificateNumber ?? null,
        inspectorOrganisation: dto.inspectorOrganisation,
        feeFen: dto.feeFen ?? null,
        supersedesId: dto.supersedesId ?? null,
        remarks: dto.remarks ?? null,
        by,
      },
      tx,
    );
    if (!row) throw new Error('inspection report not inserted');
    return row.id;
  }
}
