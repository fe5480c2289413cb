import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags, ApiOkResponse } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles, ReadsOne } from '@liftwatch/access';
import { type Page, pageOf, UuidParam, PageOf } from '@liftwatch/contract';
import { CreateDeviceDto, type DeviceCredentials, DeviceQueryDto, DeviceView } from './dto/device.dto';
import { DevicesService } from './devices.service';

@ApiTags('devices')
@ApiBearerAuth()
@Controller('devices')
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @Get()
  @ApiOkResponse({ type: PageOf(DeviceView) })
  async list(@CurrentPrincipal() p: Principal, @Query() q: DeviceQueryDto): Promise<Page<DeviceView>> {
    const [items, total] = await this.devices.list(p, q);
    return pageOf(items, total, q);
  }

  @ReadsOne<DevicesController>((c, p, id) => c.devices.get(p, id))
  @Get(':id')
  get(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<DeviceView> {
    return this.devices.get(p, id);
  }

  /** Provisions a controller; the response carries its MQTT secret, shown this once. */
  @Post()
  @Roles('admin', 'firm')
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateDeviceDto): Promise<DeviceCredentials> {
    return this.devices.create(p, dto);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  rotate(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<DeviceCredentials> {
    return this.devices.rotateSecret(p, id);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  revoke(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<DeviceView> {
    return this.devices.revoke(p, id);
  }
}
