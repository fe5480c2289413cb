import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService, type Principal } from '@liftwatch/access';
import { Clock } from '@liftwatch/calendar';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { ConflictError, type FieldProblem, InvalidInputError, NotFoundError } from '@liftwatch/contract';
import { UnitEntity } from '../buildings/building.entity';
import { OrganisationsService } from '../organisations/organisations.service';
import { regionScopePrefix } from '../regions/region-code.util';
import { pick } from '../regions/regions.service';
import { restrictTo, VisibilityRepository } from '../visibility/visibility.repository';
import {
  type CreateAssignmentDto,
  type CreateElevatorDto,
  type ElevatorQueryDto,
  ElevatorView,
  type EndAssignmentDto,
  type UpdateElevatorDto,
} from './dto/elevator.dto';
import { ElevatorAssignmentEntity, ElevatorEntity } from './elevator.entity';

@Injectable()
export class ElevatorsService {
  private readonly rescueCodePattern: RegExp;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly visibility: VisibilityRepository,
    private readonly organisations: OrganisationsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {
    this.rescueCodePattern = new RegExp(config.rescueCodePattern);
  }

  async list(p: Principal, q: ElevatorQueryDto): Promise<[ElevatorView[], number]> {
    const qb = this.ds.getRepository(ElevatorEntity).createQueryBuilder('e');
    restrictTo(qb, 'e.id', this.visibility.elevators(p));
    if (q.unitId) qb.andWhere('e.unit_id = :uid', { uid: q.unitId });
    if (q.registrationCode) qb.andWhere('e.registration_code = :rc', { rc: q.registrationCode });
    if (q.manufacturerId) qb.andWhere('e.manufacturer_id = :mid', { mid: q.manufacturerId });
    if (q.regionCode) {
      qb.andWhere(
        `e.unit_id IN (SELECT u.id FROM units u JOIN buildings b ON b.id = u.building_id WHERE b.region_code LIKE :reg)`,
        { reg: `${regionScopePrefix(q.regionCode)}%` },
      );
    }
    const [rows, total] = await qb
      .orderBy('e.registration_code')
      .take(q.limit)
      .skip(q.offset)
      .getManyAndCount();
    return [await this.views(rows), total];
  }

  async get(p: Principal, id: string): Promise<ElevatorView> {
    return (await this.views([await this.find(p, id)]))[0];
  }

  async create(actor: Principal, dto: CreateElevatorDto): Promise<ElevatorView> {
    const unit = await this.ds.getRepository(UnitEntity).findOneBy({ id: dto.unitId });
    if (!unit) throw InvalidInputError.field('unitId', 'unit does not exist');
    await this.check(dto, unit.floorCount);
    if (await this.ds.getRepository(ElevatorEntity).existsBy({ registrationCode: dto.registrationCode })) {
      throw new ConflictError(
        'REGISTRATION_CODE_TAKEN',
        `registration code ${dto.registrationCode} is registered already`,
      );
    }
    return this.ds.transaction(async (em) => {
      const repo = em.getRepository(ElevatorEntity);
      const saved = await repo.save(repo.create({ ...dto, status: 'in_service' }));
      await this.audit.record(em, actor, 'elevator.create', 'elevator', saved.id, { after: dto });
      return (await this.views([await repo.findOneByOrFail({ id: saved.id })], em))[0];
    });
  }

  async update(actor: Principal, id: string, dto: UpdateElevatorDto): Promise<ElevatorView> {
    const before = await this.find(actor, id);
    const unit = await this.ds.getRepository(UnitEntity).findOneByOrFail({ id: before.unitId });
    await this.check(dto, unit.floorCount);
    if (
      dto.registrationCode &&
      dto.registrationCode !== before.registrationCode &&
      (await this.ds.getRepository(ElevatorEntity).existsBy({ registrationCode: dto.registrationCode }))
    ) {
      throw new ConflictError(
        'REGISTRATION_CODE_TAKEN',
        `registration code ${dto.registrationCode} is registered already`,
      );
    }
    return this.ds.transaction(async (em) => {
      await em.getRepository(ElevatorEntity).update({ id }, dto);
      await this.audit.record(em, actor, 'elevator.update', 'elevator', id, {
        before: pick(before, dto),
        after: dto,
      });
      return (await this.views([await em.getRepository(ElevatorEntity).findOneByOrFail({ id })], em))[0];
    });
  }

  async assignments(p: Principal, elevatorId: string): Promise<ElevatorAssignmentEntity[]> {
    await this.find(p, elevatorId);
    return this.ds
      .getRepository(ElevatorAssignmentEntity)
      .find({ where: { elevatorId }, order: { validFrom: 'DESC', createdAt: 'DESC' } });
  }

  /**
   * Explicit assignments are history from before contracts and policies existed: maintenance firms
   * now cover elevators through maintenance contracts, insurers through policies (both feed
   * `elevator_coverage`). A new assignment is refused with a pointer to the right endpoint.
   */
  async assign(actor: Principal, elevatorId: string, dto: CreateAssignmentDto): Promise<never> {
    await this.find(actor, elevatorId);
    if (dto.kind === 'maintenance') {
      throw InvalidInputError.field(
        'kind',
        'maintenance firms cover elevators through maintenance contracts (POST /api/v1/maintenance/contracts)',
        'USE_MAINTENANCE_CONTRACT',
      );
    }
    throw InvalidInputError.field(
      'kind',
      'insurers cover elevators through insurance policies (POST /api/v1/insurance/policies)',
      'USE_INSURANCE_POLICY',
    );
  }

  async endAssignment(
    actor: Principal,
    elevatorId: string,
    assignmentId: string,
    dto: EndAssignmentDto,
  ): Promise<ElevatorAssignmentEntity> {
    await this.find(actor, elevatorId);
    const repo = this.ds.getRepository(ElevatorAssignmentEntity);
    const assignment = await repo.findOneBy({ id: assignmentId, elevatorId });
    if (!assignment) throw new NotFoundError('Assignment', assignmentId);
    if (assignment.validTo !== null)
      throw new ConflictError('ASSIGNMENT_ENDED', 'the assignment has ended already');
    const validTo = dto.validTo ?? this.clock.today();
    if (validTo <= assignment.validFrom) {
      throw InvalidInputError.field('validTo', `must be after the assignment start ${assignment.validFrom}`);
    }
    return this.ds.transaction(async (em) => {
      await em.getRepository(ElevatorAssignmentEntity).update({ id: assignmentId }, { validTo });
      await this.audit.record(em, actor, 'elevator.assignment.end', 'elevator', elevatorId, {
        assignmentId,
        validTo,
      });
      return em.getRepository(ElevatorAssignmentEntity).findOneByOrFail({ id: assignmentId });
    });
  }

  /** Ids of the elevators the principal sees, optionally of one unit (live dashboards). */
  async visibleIds(p: Principal, unitId?: string): Promise<string[]> {
    const qb = this.ds.getRepository(ElevatorEntity).createQueryBuilder('e').select('e.id', 'id');
    restrictTo(qb, 'e.id', this.visibility.elevators(p));
    if (unitId) qb.andWhere('e.unit_id = :uid', { uid: unitId });
    const rows = await qb.getRawMany<{ id: string }>();
    return rows.map((r) => r.id);
  }

  /** The elevator if the principal may see it; 404 otherwise (never 403 with data). */
  async find(p: Principal, id: string): Promise<ElevatorEntity> {
    const qb = this.ds.getRepository(ElevatorEntity).createQueryBuilder('e').where('e.id = :id', { id });
    const elevator = await restrictTo(qb, 'e.id', this.visibility.elevators(p)).getOne();
    if (!elevator) throw new NotFoundError('Elevator', id);
    return elevator;
  }

  /** Views with the registration-code notes, checked against each building's region. */
  private async views(
    elevators: ElevatorEntity[],
    db: EntityManager = this.ds.manager,
  ): Promise<ElevatorView[]> {
    const unitIds = [...new Set(elevators.map((e) => e.unitId))];
    const regions: Array<{ id: string; region_code: string }> = unitIds.length
      ? await db.query(
          `SELECT u.id, b.region_code FROM units u JOIN buildings b ON b.id = u.building_id WHERE u.id = ANY($1::uuid[])`,
          [unitIds],
        )
      : [];
    const regionOf = new Map(regions.map((r) => [r.id, r.region_code]));
    const year = Number(this.clock.today().slice(0, 4));
    return elevators.map((e) => ElevatorView.of(e, year, regionOf.get(e.unitId)));
  }

  private async check(dto: Partial<CreateElevatorDto>, floorCount: number): Promise<void> {
    const problems: FieldProblem[] = [];
    if (dto.rescueCode !== undefined && !this.rescueCodePattern.test(dto.rescueCode)) {
      problems.push({
        field: 'rescueCode',
        messages: [`rescueCode must match ${this.rescueCodePattern.source}`],
      });
    }
    const outside = (dto.servedFloors ?? []).filter((f) => f > floorCount);
    if (outside.length > 0) {
      problems.push({
        field: 'servedFloors',
        messages: [`floors ${outside.join(', ')} are above the unit's ${floorCount} floors`],
      });
    }
    for (const [field, kind] of [
      ['manufacturerId', 'manufacturer'],
      ['installerId', 'installer'],
    ] as const) {
      const id = dto[field];
      if (id) {
        try {
          await this.organisations.requireKind(id, kind, field);
        } catch (err) {
          if (err instanceof InvalidInputError) problems.push(...err.fields);
          else throw err;
        }
      }
    }
    if (problems.length > 0) throw new InvalidInputError(problems);
  }
}
