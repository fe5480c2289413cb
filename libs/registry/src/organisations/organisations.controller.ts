import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags, IntersectionType as IntersectionOf, ApiOkResponse } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles, ReadsOne } from '@liftwatch/access';
import { type Page, pageOf, SearchPageQueryDto, UuidParam, PageOf } from '@liftwatch/contract';
import { CreateOrganisationDto, OrganisationQueryDto, UpdateOrganisationDto } from './dto/organisation.dto';
import { OrganisationEntity } from './organisation.entity';
import { OrganisationsService } from './organisations.service';

class OrganisationListQuery extends IntersectionOf(SearchPageQueryDto, OrganisationQueryDto) {}

@ApiTags('organisations')
@ApiBearerAuth()
@Controller('organisations')
export class OrganisationsController {
  constructor(private readonly organisations: OrganisationsService) {}

  @Get()
  @ApiOkResponse({ type: PageOf(OrganisationEntity) })
  async list(@Query() q: OrganisationListQuery): Promise<Page<OrganisationEntity>> {
    const [items, total] = await this.organisations.list(q);
    return pageOf(items, total, q);
  }

  @ReadsOne<OrganisationsController>((c, _p, id) => c.organisations.get(id))
  @Get(':id')
  get(@UuidParam() id: string): Promise<OrganisationEntity> {
    return this.organisations.get(id);
  }

  @Post()
  @Roles('admin')
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateOrganisationDto): Promise<OrganisationEntity> {
    return this.organisations.create(p, dto);
  }

  @Patch(':id')
  @Roles('admin')
  update(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: UpdateOrganisationDto,
  ): Promise<OrganisationEntity> {
    return this.organisations.update(p, id, dto);
  }
}
