import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags, ApiOkResponse } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles, ReadsOne } from '@liftwatch/access';
import { type Page, pageOf, UuidParam, PageOf, PageQueryDto, pageArray } from '@liftwatch/contract';
import {
  CreateAssignmentDto,
  CreateElevatorDto,
  ElevatorQueryDto,
  ElevatorView,
  EndAssignmentDto,
  UpdateElevatorDto,
} from './dto/elevator.dto';
import { ElevatorAssignmentEntity } from './elevator.entity';
import { ElevatorsService } from './elevators.service';

@ApiTags('elevators')
@ApiBearerAuth()
@Controller('elevators')
export class ElevatorsController {
  constructor(private readonly elevators: ElevatorsService) {}

  @Get()
  @ApiOkResponse({ type: PageOf(ElevatorView) })
  async list(@CurrentPrincipal() p: Principal, @Query() q: ElevatorQueryDto): Promise<Page<ElevatorView>> {
    const [items, total] = await this.elevators.list(p, q);
    return pageOf(items, total, q);
  }

  @ReadsOne<ElevatorsController>((c, p, id) => c.elevators.get(p, id))
  @Get(':id')
  get(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<ElevatorView> {
    return this.elevators.get(p, id);
  }

  @Post()
  @Roles('admin')
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateElevatorDto): Promise<ElevatorView> {
    return this.elevators.create(p, dto);
  }

  @Patch(':id')
  @Roles('admin')
  update(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: UpdateElevatorDto,
  ): Promise<ElevatorView> {
    return this.elevators.update(p, id, dto);
  }

  @Get(':id/assignments')
  @ApiOkResponse({ type: PageOf(ElevatorAssignmentEntity) })
  async assignments(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Query() q: PageQueryDto,
  ): Promise<Page<ElevatorAssignmentEntity>> {
    return pageArray(await this.elevators.assignments(p, id), q);
  }

  @Post(':id/assignments')
  @Roles('admin')
  assign(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: CreateAssignmentDto,
  ): Promise<ElevatorAssignmentEntity> {
    return this.elevators.assign(p, id, dto);
  }

  @Post(':id/assignments/:assignmentId/end')
  @Roles('admin')
  @HttpCode(200)
  endAssignment(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @UuidParam('assignmentId') assignmentId: string,
    @Body() dto: EndAssignmentDto,
  ): Promise<ElevatorAssignmentEntity> {
    return this.elevators.endAssignment(p, id, assignmentId, dto);
  }
}
