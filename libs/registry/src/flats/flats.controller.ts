import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags, ApiOkResponse } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { CurrentPrincipal, type Principal, Roles, ReadsOne } from '@liftwatch/access';
import {
  type Page,
  pageOf,
  PageQueryDto,
  SearchPageQueryDto,
  UuidParam,
  PageOf,
  pageArray,
} from '@liftwatch/contract';
import { OwnersService } from '../owners/owners.service';
import {
  CreateFlatDto,
  CreateOwnerDto,
  FlatQueryDto,
  OwnershipView,
  OwnerView,
  TransferOwnershipDto,
  UpdateFlatDto,
  UpdateOwnerDto,
} from './dto/flat.dto';
import { FlatEntity } from './flat.entity';
import { FlatsService } from './flats.service';

@ApiTags('flats')
@ApiBearerAuth()
@Controller('flats')
export class FlatsController {
  constructor(private readonly flats: FlatsService) {}

  @Get()
  @ApiOkResponse({ type: PageOf(FlatEntity) })
  async list(@CurrentPrincipal() p: Principal, @Query() q: FlatQueryDto): Promise<Page<FlatEntity>> {
    const [items, total] = await this.flats.list(p, q);
    return pageOf(items, total, q);
  }

  @ReadsOne<FlatsController>((c, p, id) => c.flats.get(p, id))
  @Get(':id')
  get(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<FlatEntity> {
    return this.flats.get(p, id);
  }

  @Post()
  @Roles('admin', 'agent')
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateFlatDto): Promise<FlatEntity> {
    return this.flats.create(p, dto);
  }

  @Patch(':id')
  update(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: UpdateFlatDto,
  ): Promise<FlatEntity> {
    return this.flats.update(p, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<void> {
    return this.flats.remove(p, id);
  }

  @Get(':id/ownerships')
  @ApiOkResponse({ type: PageOf(OwnershipView) })
  async ownerships(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Query() q: PageQueryDto,
  ): Promise<Page<OwnershipView>> {
    return pageArray(await this.flats.ownershipHistory(p, id), q);
  }

  /** Replaces the flat's owners from a date (sale, inheritance); returns the ownership history. */
  @Put(':id/owners')
  transfer(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: TransferOwnershipDto,
  ): Promise<OwnershipView[]> {
    return this.flats.transfer(p, id, dto);
  }
}

class OwnerQueryDto extends SearchPageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Current owners of flats in this unit' })
  @IsOptional()
  @IsUUID()
  unitId?: string;
}

@ApiTags('owners')
@ApiBearerAuth()
@Controller('owners')
export class OwnersController {
  constructor(private readonly owners: OwnersService) {}

  @Get()
  @ApiOkResponse({ type: PageOf(OwnerView) })
  async list(@CurrentPrincipal() p: Principal, @Query() q: OwnerQueryDto): Promise<Page<OwnerView>> {
    const [items, total] = await this.owners.list(p, q);
    return pageOf(items, total, q);
  }

  @ReadsOne<OwnersController>((c, p, id) => c.owners.get(p, id))
  @Get(':id')
  get(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<OwnerView> {
    return this.owners.get(p, id);
  }

  @Post()
  @Roles('admin')
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateOwnerDto): Promise<OwnerView> {
    return this.owners.create(p, dto);
  }

  @Patch(':id')
  @Roles('admin', 'agent', 'owner')
  update(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: UpdateOwnerDto,
  ): Promise<OwnerView> {
    return this.owners.update(p, id, dto);
  }
}
