import { Injectable } from '@nestjs/common';
import { AuditService, hashDeviceSecret, newDeviceSecret, type Principal } from '@liftwatch/access';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '@liftwatch/contract';
import { VisibilityRepository } from '../visibility/visibility.repository';
import { DeviceRepository, type DeviceRow } from './device.repository';
import { DeviceChanges } from './device-changes';
import {
  type CreateDeviceDto,
  type DeviceCredentials,
  type DeviceQueryDto,
  DeviceView,
} from './dto/device.dto';

/** Admins, and firms for elevators they maintain (they fit the IoT kits), manage devices. */
const DEVICE_WRITERS = new Set(['admin', 'firm']);

@Injectable()
export class DevicesService {
  constructor(
    private readonly repo: DeviceRepository,
    private readonly visibility: VisibilityRepository,
    private readonly audit: AuditService,
    private readonly changes: DeviceChanges,
  ) {}

  async list(p: Principal, q: DeviceQueryDto): Promise<[DeviceView[], number]> {
    const [rows, total] = await this.repo.page(this.visibility.elevators(p), q);
    return [rows.map((d) => DeviceView.of(d)), total];
  }

  async get(p: Principal, id: string): Promise<DeviceView> {
    return DeviceView.of(await this.find(p, id));
  }

  async create(actor: Principal, dto: CreateDeviceDto): Promise<DeviceCredentials> {
    this.requireWriter(actor);
    const elevatorVisible =
      (await this.repo.elevatorExists(dto.elevatorId)) &&
      (await this.visibility.canSeeElevator(actor, dto.elevatorId));
    if (!elevatorVisible) throw InvalidInputError.field('elevatorId', 'elevator does not exist');
    if (await this.repo.serialTaken(dto.serial)) {
      throw new ConflictError('SERIAL_TAKEN', `a device with serial ${dto.serial} exists already`);
    }
    const secret = newDeviceSecret();
    const created = await this.repo.transaction(async (tx) => {
      if (await this.repo.lockActiveDevice(tx, dto.elevatorId))
        throw new ConflictError('ELEVATOR_HAS_DEVICE', 'the elevator has an active device; revoke it first');
      const id = await this.repo.insert(tx, {
        serial: dto.serial,
        elevatorId: dto.elevatorId,
        firmware: dto.firmware ?? null,
        secretHash: hashDeviceSecret(secret),
      });
      await this.audit.record(tx, actor, 'device.create', 'device', id, { after: dto });
      return { device: DeviceView.of((await this.repo.find(id, null, tx)) as DeviceRow), secret };
    });
    this.changes.emit({ kind: 'created', deviceId: created.device.id, serial: created.device.serial });
    return created;
  }

  async rotateSecret(actor: Principal, id: string): Promise<DeviceCredentials> {
    const device = await this.find(actor, id);
    this.requireWriter(actor);
    if (device.revokedAt) throw new ConflictError('DEVICE_REVOKED', 'the device is revoked');
    const secret = newDeviceSecret();
    const rotated = await this.repo.transaction(async (tx) => {
      await this.repo.setSecret(tx, id, hashDeviceSecret(secret));
      await this.audit.record(tx, actor, 'device.rotate_secret', 'device', id);
      return { device: DeviceView.of((await this.repo.find(id, null, tx)) as DeviceRow), secret };
    });
    this.changes.emit({ kind: 'secret_rotated', deviceId: id, serial: device.serial });
    return rotated;
  }

  async revoke(actor: Principal, id: string): Promise<DeviceView> {
    const device = await this.find(actor, id);
    this.requireWriter(actor);
    if (device.revokedAt) return DeviceView.of(device);
    const revoked = await this.repo.transaction(async (tx) => {
      await this.repo.revoke(tx, id);
      await this.audit.record(tx, actor, 'device.revoke', 'device', id);
      return DeviceView.of((await this.repo.find(id, null, tx)) as DeviceRow);
    });
    this.changes.emit({ kind: 'revoked', deviceId: id, serial: device.serial });
    return revoked;
  }

  private async find(p: Principal, id: string): Promise<DeviceRow> {
    const device = await this.repo.find(id, this.visibility.elevators(p));
    if (!device) throw new NotFoundError('Device', id);
    return device;
  }

  private requireWriter(actor: Principal): void {
    if (!DEVICE_WRITERS.has(actor.role)) {
      throw new ForbiddenError('ROLE_NOT_ALLOWED', `role ${actor.role} may not manage devices`);
    }
  }
}
