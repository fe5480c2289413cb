import { Injectable } from '@nestjs/common';
import { AuditService, type Principal } from '@liftwatch/access';
import { DomainError, InvalidInputError } from '@liftwatch/contract';
import { Sql } from '@liftwatch/database';
import { DevicesService } from '@liftwatch/registry';
import { type ConfigCommand } from '../protocol/messages';
import { type CommandSent, type ConfigCommandDto } from './device-command.dto';
import { EmbeddedBrokerService } from './embedded-broker.service';
import { ExternalCommandPublisher } from './external-command.publisher';

/** Configuration commands to a device over its `cmd` topic (QoS 1), audited. */
@Injectable()
export class DeviceCommandsService {
  constructor(
    private readonly sql: Sql,
    private readonly devices: DevicesService,
    private readonly broker: EmbeddedBrokerService,
    private readonly external: ExternalCommandPublisher,
    private readonly audit: AuditService,
  ) {}

  async send(p: Principal, id: string, dto: ConfigCommandDto): Promise<CommandSent> {
    const device = await this.devices.get(p, id);
    if (dto.statusIntervalS === undefined && dto.heartbeatIntervalS === undefined) {
      throw InvalidInputError.field('statusIntervalS', 'give statusIntervalS or heartbeatIntervalS');
    }
    if (device.revokedAt) throw new DomainError('conflict', 'DEVICE_REVOKED', 'the device is revoked');
    const command: ConfigCommand = { cmd: 'config', ...dto };
    if (this.broker.running) {
      await this.broker.publishCommand(device.serial, command);
    } else if (this.external.configured) {
      // Any replica: through the external broker the devices are connected to.
      await this.external.publish(device.serial, command).catch((err: unknown) => {
        throw new DomainError(
          'unavailable',
          'BROKER_UNAVAILABLE',
          `the broker did not take the command: ${err instanceof Error ? err.message : String(err)}`,
        );
      });
    } else {
      throw new DomainError(
        'unavailable',
        'BROKER_UNAVAILABLE',
        'no broker to reach the device: this process runs no embedded broker and MQTT_URL is not set',
      );
    }
    await this.sql.transaction((tx) => this.audit.record(tx, p, 'device.command', 'device', id, { command }));
    return { topic: `lw/v1/${device.serial}/cmd`, command };
  }
}
