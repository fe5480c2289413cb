import { Injectable } from '@nestjs/common';
import { containsPattern, type Db, SqlRepository } from '@liftwatch/database';
import { type IdFilter, scopeSql } from '../visibility/visibility.repository';
import { type ElevatorAssignmentEntity, type ElevatorEntity } from './elevator.entity';

const ELEVATOR = `e.id, e.unit_id AS "unitId", e.registration_code AS "registrationCode", e.equipment_code AS "equipmentCode",
  e.use_certificate_no AS "useCertificateNo", e.rescue_code AS "rescueCode", e.manufacturer_id AS "manufacturerId",
  e.installer_id AS "installerId", e.model, to_char(e.commissioned_on, 'YYYY-MM-DD') AS "commissionedOn",
  e.served_floors AS "servedFloors", e.rated_load_kg AS "ratedLoadKg", e.rated_speed_mps::float8 AS "ratedSpeedMps",
  e.rated_power_kw::float8 AS "ratedPowerKw",
  e.status, e.created_at AS "createdAt", e.updated_at AS "updatedAt"`;

const ASSIGNMENT = `a.id, a.elevator_id AS "elevatorId", a.organisation_id AS "organisationId", a.kind,
  to_char(a.valid_from, 'YYYY-MM-DD') AS "validFrom", to_char(a.valid_to, 'YYYY-MM-DD') AS "validTo",
  a.created_at AS "createdAt"`;

/** The columns an elevator's fields are stored in (all but id and the timestamps). */
const COLUMNS = {
  unitId: 'unit_id',
  registrationCode: 'registration_code',
  equipmentCode: 'equipment_code',
  useCertificateNo: 'use_certificate_no',
  rescueCode: 'rescue_code',
  manufacturerId: 'manufacturer_id',
  installerId: 'installer_id',
  model: 'model',
  commissionedOn: 'commissioned_on',
  servedFloors: 'served_floors',
  ratedLoadKg: 'rated_load_kg',
  ratedSpeedMps: 'rated_speed_mps',
  ratedPowerKw: 'rated_power_kw',
  status: 'status',
} as const satisfies Partial<Record<keyof ElevatorEntity, string>>;

export type ElevatorFields = { -readonly [K in keyof typeof COLUMNS]?: ElevatorEntity[K] | null };

/** Every query of elevators and their (historical) assignments. */
@Injectable()
export class ElevatorRepository extends SqlRepository {
  async page(
    visible: IdFilter | null,
    f: {
      unitId?: string;
      registrationCode?: string;
      manufacturerId?: string;
      regionPrefix?: string;
      q?: string;
      limit: number;
      offset: number;
    },
  ): Promise<[ElevatorEntity[], number]> {
    const s = scopeSql('e.id', visible);
    const where = `WHERE (CAST(:unitId AS uuid) IS NULL OR e.unit_id = CAST(:unitId AS uuid))
        AND (CAST(:registrationCode AS text) IS NULL OR e.registration_code = :registrationCode)
        AND (CAST(:manufacturerId AS uuid) IS NULL OR e.manufacturer_id = CAST(:manufacturerId AS uuid))
        AND (CAST(:search AS text) IS NULL OR e.registration_code ILIKE :search OR e.rescue_code ILIKE :search
             OR e.equipment_code ILIKE :search OR e.model ILIKE :search)
        AND (CAST(:regionPrefix AS text) IS NULL OR e.unit_id IN (
              SELECT u.id FROM units u JOIN buildings b ON b.id = u.building_id WHERE b.region_code LIKE :regionPrefix || '%'))
        ${s.sql}`;
    const params = {
      ...s.params,
      unitId: f.unitId ?? null,
      registrationCode: f.registrationCode ?? null,
      manufacturerId: f.manufacturerId ?? null,
      regionPrefix: f.regionPrefix ?? null,
      search: containsPattern(f.q),
    };
    return this.sql.page<ElevatorEntity>(
      { columns: ELEVATOR, from: `FROM elevators e ${where}`, orderBy: 'e.registration_code', params },
      f.limit,
      f.offset,
    );
  }

  find(id: string, visible: IdFilter | null = null, db?: Db): Promise<ElevatorEntity | undefined> {
    const s = scopeSql('e.id', visible);
    return this.sql.one<ElevatorEntity>(
      `SELECT ${ELEVATOR} FROM elevators e WHERE e.id = :id${s.sql}`,
      { id, ...s.params },
      db,
    );
  }

  async visibleIds(visible: IdFilter | null, unitId?: string): Promise<string[]> {
    const s = scopeSql('e.id', visible);
    const rows = await this.sql.query<{ id: string }>(
      `SELECT e.id FROM elevators e WHERE (CAST(:unitId AS uuid) IS NULL OR e.unit_id = CAST(:unitId AS uuid))${s.sql}`,
      { ...s.params, unitId: unitId ?? null },
    );
    return rows.map((r) => r.id);
  }

  async registrationCodeTaken(code: string): Promise<boolean> {
    return (
      (await this.sql.one(`SELECT 1 FROM elevators WHERE registration_code = :code`, { code })) !== undefined
    );
  }

  async unitFloorCount(unitId: string): Promise<number | null> {
    return (
      (await this.sql.one<{ n: number }>(`SELECT floor_count AS n FROM units WHERE id = :unitId`, { unitId }))
        ?.n ?? null
    );
  }

  /** Region of each unit's building. */
  async unitRegions(unitIds: string[], db?: Db): Promise<Map<string, string>> {
    if (unitIds.length === 0) return new Map();
    const rows = await this.sql.query<{ id: string; region_code: string }>(
      `SELECT u.id, b.region_code FROM units u JOIN buildings b ON b.id = u.building_id WHERE u.id IN (:...unitIds)`,
      { unitIds },
      db,
    );
    return new Map(rows.map((r) => [r.id, r.region_code]));
  }

  async insert(tx: Db, fields: ElevatorFields): Promise<string> {
    return this.sql.insertRow('elevators', COLUMNS, fields, tx);
  }

  async update(tx: Db, id: string, fields: ElevatorFields): Promise<void> {
    await this.sql.updateRow('elevators', { column: 'id', value: id }, COLUMNS, fields, tx);
  }

  assignments(elevatorId: string): Promise<ElevatorAssignmentEntity[]> {
    return this.sql.query<ElevatorAssignmentEntity>(
      `SELECT ${ASSIGNMENT} FROM elevator_assignments a WHERE a.elevator_id = :elevatorId
        ORDER BY a.valid_from DESC, a.created_at DESC`,
      { elevatorId },
    );
  }

  findAssignment(id: string, elevatorId: string, db?: Db): Promise<ElevatorAssignmentEntity | undefined> {
    return this.sql.one<ElevatorAssignmentEntity>(
      `SELECT ${ASSIGNMENT} FROM elevator_assignments a WHERE a.id = :id AND a.elevator_id = :elevatorId`,
      { id, elevatorId },
      db,
    );
  }

  async endAssignment(tx: Db, id: string, validTo: string): Promise<void> {
    await this.sql.query(
      `UPDATE elevator_assignments SET valid_to = :validTo WHERE id = :id`,
      { id, validTo },
      tx,
    );
  }
}
