import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags, ApiOkResponse } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles, ReadsOne } from '@liftwatch/access';
import { type Page, pageOf, UuidParam, PageOf } from '@liftwatch/contract';
import { BuildingEntity, UnitEntity } from './building.entity';
import { BuildingsService } from './buildings.service';
import {
  BuildingQueryDto,
  CreateBuildingDto,
  CreateUnitDto,
  UnitQueryDto,
  UpdateBuildingDto,
  UpdateUnitDto,
} from './dto/building.dto';

@ApiTags('buildings')
@ApiBearerAuth()
@Controller('buildings')
export class BuildingsController {
  constructor(private readonly buildings: BuildingsService) {}

  @Get()
  @ApiOkResponse({ type: PageOf(BuildingEntity) })
  async list(@CurrentPrincipal() p: Principal, @Query() q: BuildingQueryDto): Promise<Page<BuildingEntity>> {
    const [items, total] = await this.buildings.listBuildings(p, q);
    return pageOf(items, total, q);
  }

  @ReadsOne<BuildingsController>((c, p, id) => c.buildings.getBuilding(p, id))
  @Get(':id')
  get(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<BuildingEntity> {
    return this.buildings.getBuilding(p, id);
  }

  @Post()
  @Roles('admin')
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateBuildingDto): Promise<BuildingEntity> {
    return this.buildings.createBuilding(p, dto);
  }

  @Patch(':id')
  @Roles('admin')
  update(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: UpdateBuildingDto,
  ): Promise<BuildingEntity> {
    return this.buildings.updateBuilding(p, id, dto);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  remove(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<void> {
    return this.buildings.deleteBuilding(p, id);
  }
}

@ApiTags('units')
@ApiBearerAuth()
@Controller('units')
export class UnitsController {
  constructor(private readonly buildings: BuildingsService) {}

  @Get()
  @ApiOkResponse({ type: PageOf(UnitEntity) })
  async list(@CurrentPrincipal() p: Principal, @Query() q: UnitQueryDto): Promise<Page<UnitEntity>> {
    const [items, total] = await this.buildings.listUnits(p, q);
    return pageOf(items, total, q);
  }

  @ReadsOne<UnitsController>((c, p, id) => c.buildings.getUnit(p, id))
  @Get(':id')
  get(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<UnitEntity> {
    return this.buildings.getUnit(p, id);
  }

  @Post()
  @Roles('admin')
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateUnitDto): Promise<UnitEntity> {
    return this.buildings.createUnit(p, dto);
  }

  @Patch(':id')
  @Roles('admin')
  update(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: UpdateUnitDto,
  ): Promise<UnitEntity> {
    return this.buildings.updateUnit(p, id, dto);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  remove(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<void> {
    return this.buildings.deleteUnit(p, id);
  }
}
