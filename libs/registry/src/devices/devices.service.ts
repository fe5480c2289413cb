import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService, hashDeviceSecret, newDeviceSecret, type Principal } from '@liftwatch/access';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '@liftwatch/contract';
import { ElevatorEntity } from '../elevators/elevator.entity';
import { restrictTo, VisibilityRepository } from '../visibility/visibility.repository';
import { DeviceChanges } from './device-changes';
import {
  type CreateDeviceDto,
  type DeviceCredentials,
  type DeviceQueryDto,
  DeviceView,
} from './dto/device.dto';
import { DeviceEntity } from './device.entity';

/** Admins, and firms for elevators they maintain (they fit the IoT kits), manage devices. */
const DEVICE_WRITERS = new Set(['admin', 'firm']);

@Injectable()
export class DevicesService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly visibility: VisibilityRepository,
    private readonly audit: AuditService,
    private readonly changes: DeviceChanges,
  ) {}

  async list(p: Principal, q: DeviceQueryDto): Promise<[DeviceView[], number]> {
    const qb = this.ds.getRepository(DeviceEntity).createQueryBuilder('d');
    restrictTo(qb, 'd.elevator_id', this.visibility.elevators(p));
    if (q.elevatorId) qb.andWhere('d.elevator_id = :eid', { eid: q.elevatorId });
    const [rows, total] = await qb.orderBy('d.serial').take(q.limit).skip(q.offset).getManyAndCount();
    return [rows.map((d) => DeviceView.of(d)), total];
  }

  async get(p: Principal, id: string): Promise<DeviceView> {
    return DeviceView.of(await this.find(p, id));
  }

  async create(actor: Principal, dto: CreateDeviceDto): Promise<DeviceCredentials> {
    this.requireWriter(actor);
    const elevatorVisible =
      (await this.ds.getRepository(ElevatorEntity).existsBy({ id: dto.elevatorId })) &&
      (await this.visibility.canSeeElevator(actor, dto.elevatorId));
    if (!elevatorVisible) throw InvalidInputError.field('elevatorId', 'elevator does not exist');
    if (await this.ds.getRepository(DeviceEntity).existsBy({ serial: dto.serial })) {
      throw new ConflictError('SERIAL_TAKEN', `a device with serial ${dto.serial} exists already`);
    }
    const secret = newDeviceSecret();
    const created = await this.ds.transaction(async (em) => {
      const active: unknown[] = await em.query(
        'SELECT 1 FROM devices WHERE elevator_id = $1 AND revoked_at IS NULL FOR UPDATE',
        [dto.elevatorId],
      );
      if (active.length > 0) {
        throw new ConflictError('ELEVATOR_HAS_DEVICE', 'the elevator has an active device; revoke it first');
      }
      const repo = em.getRepository(DeviceEntity);
      const saved = await repo.save(
        repo.create({
          serial: dto.serial,
          elevatorId: dto.elevatorId,
          firmware: dto.firmware ?? null,
          secretHash: hashDeviceSecret(secret),
        }),
      );
      await this.audit.record(em, actor, 'device.create', 'device', saved.id, { after: dto });
      return { device: DeviceView.of(await repo.findOneByOrFail({ id: saved.id })), secret };
    });
    this.changes.emit({ kind: 'created', deviceId: created.device.id, serial: created.device.serial });
    return created;
  }

  async rotateSecret(actor: Principal, id: string): Promise<DeviceCredentials> {
    const device = await this.find(actor, id);
    this.requireWriter(actor);
    if (device.revokedAt) throw new ConflictError('DEVICE_REVOKED', 'the device is revoked');
    const secret = newDeviceSecret();
    const rotated = await this.ds.transaction(async (em) => {
      await em
        .getRepository(DeviceEntity)
        .update({ id }, { secretHash: hashDeviceSecret(secret), secretRotatedAt: new Date() });
      await this.audit.record(em, actor, 'device.rotate_secret', 'device', id);
      return { device: DeviceView.of(await em.getRepository(DeviceEntity).findOneByOrFail({ id })), secret };
    });
    this.changes.emit({ kind: 'secret_rotated', deviceId: id, serial: device.serial });
    return rotated;
  }

  async revoke(actor: Principal, id: string): Promise<DeviceView> {
    const device = await this.find(actor, id);
    this.requireWriter(actor);
    if (device.revokedAt) return DeviceView.of(device);
    const revoked = await this.ds.transaction(async (em) => {
      await em.getRepository(DeviceEntity).update({ id }, { revokedAt: new Date() });
      await this.audit.record(em, actor, 'device.revoke', 'device', id);
      return DeviceView.of(await em.getRepository(DeviceEntity).findOneByOrFail({ id }));
    });
    this.changes.emit({ kind: 'revoked', deviceId: id, serial: device.serial });
    return revoked;
  }

  private async find(p: Principal, id: string): Promise<DeviceEntity> {
    const qb = this.ds.getRepository(DeviceEntity).createQueryBuilder('d').where('d.id = :id', { id });
    const device = await restrictTo(qb, 'd.elevator_id', this.visibility.elevators(p)).getOne();
    if (!device) throw new NotFoundError('Device', id);
    return device;
  }

  private requireWriter(actor: Principal): void {
    if (!DEVICE_WRITERS.has(actor.role)) {
      throw new ForbiddenError('ROLE_NOT_ALLOWED', `role ${actor.role} may not manage devices`);
    }
  }
}
