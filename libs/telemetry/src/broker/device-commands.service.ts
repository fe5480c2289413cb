import { Inject, Injectable } from '@nestjs/common';
import { AuditService, type Principal } from '@liftwatch/access';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { DomainError, InvalidInputError } from '@liftwatch/contract';
import { Sql } from '@liftwatch/database';
import { DevicesService } from '@liftwatch/registry';
import { type ConfigCommand } from '../protocol/messages';
import { type CommandSent, type ConfigCommandDto } from './device-command.dto';
import { EmbeddedBrokerService } from './embedded-broker.service';

/** Configuration commands to a device over its `cmd` topic (QoS 1), audited. */
@Injectable()
export class DeviceCommandsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sql: Sql,
    private readonly devices: DevicesService,
    private readonly broker: EmbeddedBrokerService,
    private readonly audit: AuditService,
  ) {}

  async send(p: Principal, id: string, dto: ConfigCommandDto): Promise<CommandSent> {
    const device = await this.devices.get(p, id);
    if (dto.statusIntervalS === undefined && dto.heartbeatIntervalS === undefined) {
      throw InvalidInputError.field('statusIntervalS', 'give statusIntervalS or heartbeatIntervalS');
    }
    if (device.revokedAt) throw new DomainError('conflict', 'DEVICE_REVOKED', 'the device is revoked');
    if (this.config.mqtt.url || !this.broker.running) {
      // Commands go out through this process's embedded broker; an api-only process or one on an
      // external broker has none (sending through the external broker is not built yet).
      throw new DomainError(
        'unavailable',
        'BROKER_UNAVAILABLE',
        'no embedded broker in this process to reach the device',
      );
    }
    const command: ConfigCommand = { cmd: 'config', ...dto };
    await this.broker.publishCommand(device.serial, command);
    await this.sql.transaction((tx) => this.audit.record(tx, p, 'device.command', 'device', id, { command }));
    return { topic: `lw/v1/${device.serial}/cmd`, command };
  }
}
