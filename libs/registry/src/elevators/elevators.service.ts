import { Inject, Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { AuditService, type Principal } from '@liftwatch/access';
import { Clock } from '@liftwatch/calendar';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { ConflictError, type FieldProblem, InvalidInputError, NotFoundError } from '@liftwatch/contract';
import { OrganisationsService } from '../organisations/organisations.service';
import { regionScopePrefix } from '../regions/region-code.util';
import { pick } from '../regions/regions.service';
import { VisibilityRepository } from '../visibility/visibility.repository';
import {
  type CreateAssignmentDto,
  type CreateElevatorDto,
  type ElevatorQueryDto,
  ElevatorView,
  type EndAssignmentDto,
  type UpdateElevatorDto,
} from './dto/elevator.dto';
import { type ElevatorAssignmentEntity, type ElevatorEntity } from './elevator.entity';
import { ElevatorRepository } from './elevator.repository';

@Injectable()
export class ElevatorsService {
  private readonly rescueCodePattern: RegExp;

  constructor(
    private readonly repo: ElevatorRepository,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly visibility: VisibilityRepository,
    private readonly organisations: OrganisationsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {
    this.rescueCodePattern = new RegExp(config.rescueCodePattern);
  }

  async list(p: Principal, q: ElevatorQueryDto): Promise<[ElevatorView[], number]> {
    const [rows, total] = await this.repo.page(this.visibility.elevators(p), {
      ...q,
      regionPrefix: q.regionCode ? regionScopePrefix(q.regionCode) : undefined,
    });
    return [await this.views(rows), total];
  }

  async get(p: Principal, id: string): Promise<ElevatorView> {
    return (await this.views([await this.find(p, id)]))[0];
  }

  async create(actor: Principal, dto: CreateElevatorDto): Promise<ElevatorView> {
    const floorCount = await this.repo.unitFloorCount(dto.unitId);
    if (floorCount === null) throw InvalidInputError.field('unitId', 'unit does not exist');
    await this.check(dto, floorCount);
    if (await this.repo.registrationCodeTaken(dto.registrationCode)) {
      throw new ConflictError(
        'REGISTRATION_CODE_TAKEN',
        `registration code ${dto.registrationCode} is registered already`,
      );
    }
    return this.repo.transaction(async (tx) => {
      const id = await this.repo.insert(tx, { ...dto, status: 'in_service' });
      await this.audit.record(tx, actor, 'elevator.create', 'elevator', id, { after: dto });
      return (await this.views([(await this.repo.find(id, null, tx)) as ElevatorEntity], tx))[0];
    });
  }

  async update(actor: Principal, id: string, dto: UpdateElevatorDto): Promise<ElevatorView> {
    const before = await this.find(actor, id);
    await this.check(dto, (await this.repo.unitFloorCount(before.unitId)) ?? 0);
    if (
      dto.registrationCode &&
      dto.registrationCode !== before.registrationCode &&
      (await this.repo.registrationCodeTaken(dto.registrationCode))
    ) {
      throw new ConflictError(
        'REGISTRATION_CODE_TAKEN',
        `registration code ${dto.registrationCode} is registered already`,
      );
    }
    return this.repo.transaction(async (tx) => {
      await this.repo.update(tx, id, dto);
      await this.audit.record(tx, actor, 'elevator.update', 'elevator', id, {
        before: pick(before, dto),
        after: dto,
      });
      return (await this.views([(await this.repo.find(id, null, tx)) as ElevatorEntity], tx))[0];
    });
  }

  async assignments(p: Principal, elevatorId: string): Promise<ElevatorAssignmentEntity[]> {
    await this.find(p, elevatorId);
    return this.repo.assignments(elevatorId);
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
    const assignment = await this.repo.findAssignment(assignmentId, elevatorId);
    if (!assignment) throw new NotFoundError('Assignment', assignmentId);
    if (assignment.validTo !== null)
      throw new ConflictError('ASSIGNMENT_ENDED', 'the assignment has ended already');
    const validTo = dto.validTo ?? this.clock.today();
    if (validTo <= assignment.validFrom) {
      throw InvalidInputError.field('validTo', `must be after the assignment start ${assignment.validFrom}`);
    }
    return this.repo.transaction(async (tx) => {
      await this.repo.endAssignment(tx, assignmentId, validTo);
      await this.audit.record(tx, actor, 'elevator.assignment.end', 'elevator', elevatorId, {
        assignmentId,
        validTo,
      });
      return (await this.repo.findAssignment(assignmentId, elevatorId, tx)) as ElevatorAssignmentEntity;
    });
  }

  /** Ids of the elevators the principal sees, optionally of one unit (live dashboards). */
  visibleIds(p: Principal, unitId?: string): Promise<string[]> {
    return this.repo.visibleIds(this.visibility.elevators(p), unitId);
  }

  /** The elevator if the principal may see it; 404 otherwise (never 403 with data). */
  async find(p: Principal, id: string): Promise<ElevatorEntity> {
    const elevator = await this.repo.find(id, this.visibility.elevators(p));
    if (!elevator) throw new NotFoundError('Elevator', id);
    return elevator;
  }

  /** Views with the registration-code notes, checked against each building's region. */
  private async views(elevators: ElevatorEntity[], db?: EntityManager): Promise<ElevatorView[]> {
    const regionOf = await this.repo.unitRegions([...new Set(elevators.map((e) => e.unitId))], db);
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
