import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import { AuditService, CurrentPrincipal, type Principal, Roles } from '@liftwatch/access';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { DomainError, InvalidInputError, UuidParam } from '@liftwatch/contract';
import { DevicesService } from '@liftwatch/registry';
import { type ConfigCommand } from '../protocol/messages';
import { EmbeddedBrokerService } from './embedded-broker.service';

export class ConfigCommandDto {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: 3600,
    description: 'seconds between status samples while idle',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3600)
  statusIntervalS?: number;

  @ApiPropertyOptional({ minimum: 5, maximum: 3600, description: 'seconds between heartbeats' })
  @IsOptional()
  @IsInt()
  @Min(5)
  @Max(3600)
  heartbeatIntervalS?: number;
}

export class CommandSent {
  @ApiProperty() topic!: string;
  @ApiProperty() command!: ConfigCommand;
}

/** Sends configuration commands to a device over its `cmd` topic (QoS 1). */
@ApiTags('devices')
@ApiBearerAuth()
@Controller('devices')
export class DeviceCommandsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly ds: DataSource,
    private readonly devices: DevicesService,
    private readonly broker: EmbeddedBrokerService,
    private readonly audit: AuditService,
  ) {}

  @Post(':id/commands')
  @Roles('admin', 'firm')
  @HttpCode(202)
  async send(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: ConfigCommandDto,
  ): Promise<CommandSent> {
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
    await this.ds.transaction((em) => this.audit.record(em, p, 'device.command', 'device', id, { command }));
    return { topic: `lw/v1/${device.serial}/cmd`, command };
  }
}
