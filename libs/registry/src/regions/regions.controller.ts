import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles, ReadsOne } from '@liftwatch/access';
import { type Page, pageArray, PageOf } from '@liftwatch/contract';
import { CreateRegionDto, RegionQueryDto, UpdateRegionDto } from './dto/region.dto';
import { RegionEntity } from './region.entity';
import { RegionsService } from './regions.service';

@ApiTags('regions')
@ApiBearerAuth()
@Controller('regions')
export class RegionsController {
  constructor(private readonly regions: RegionsService) {}

  @Get()
  @ApiOkResponse({ type: PageOf(RegionEntity) })
  async list(@Query() q: RegionQueryDto): Promise<Page<RegionEntity>> {
    return pageArray(await this.regions.list(q), q);
  }

  @ReadsOne<RegionsController>((c, _p, code) => c.regions.get(code))
  @Get(':code')
  get(@Param('code') code: string): Promise<RegionEntity> {
    return this.regions.get(code);
  }

  @Post()
  @Roles('admin')
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateRegionDto): Promise<RegionEntity> {
    return this.regions.create(p, dto);
  }

  @Patch(':code')
  @Roles('admin')
  update(
    @CurrentPrincipal() p: Principal,
    @Param('code') code: string,
    @Body() dto: UpdateRegionDto,
  ): Promise<RegionEntity> {
    return this.regions.update(p, code, dto);
  }
}
