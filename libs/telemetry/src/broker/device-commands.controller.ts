import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from '@liftwatch/access';
import { UuidParam } from '@liftwatch/contract';
import { CommandSent, ConfigCommandDto } from './device-command.dto';
import { DeviceCommandsService } from './device-commands.service';

export { CommandSent, ConfigCommandDto } from './device-command.dto';

/** Sends configuration commands to a device over its `cmd` topic (QoS 1). */
@ApiTags('devices')
@ApiBearerAuth()
@Controller('devices')
export class DeviceCommandsController {
  constructor(private readonly commands: DeviceCommandsService) {}

  @Post(':id/commands')
  @Roles('admin', 'firm')
  @HttpCode(202)
  send(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: ConfigCommandDto,
  ): Promise<CommandSent> {
    return this.commands.send(p, id, dto);
  }
}
