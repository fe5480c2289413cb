import { Controller, Get, HttpCode, Param, ParseEnumPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles, ReadsOne } from '@liftwatch/access';
import {
  InvalidInputError,
  type Page,
  pageArray,
  PageOf,
  PageQueryDto,
  UuidParam,
} from '@liftwatch/contract';
import { WorkOrderView } from './work-order.dto';
import { WorkOrdersService } from './work-orders.service';

const STEPS = { accept: 'accept', depart: 'depart' } as const;

@ApiTags('alarms')
@ApiBearerAuth()
@Roles('admin', 'firm', 'technician')
@Controller('work-orders')
export class WorkOrdersController {
  constructor(private readonly orders: WorkOrdersService) {}

  /** A technician's own orders (a firm: its technicians'); active first, then the last day's. */
  @Get()
  @ApiOkResponse({ type: PageOf(WorkOrderView) })
  async list(@CurrentPrincipal() p: Principal, @Query() q: PageQueryDto): Promise<Page<WorkOrderView>> {
    return pageArray(await this.orders.list(p), q);
  }

  @ReadsOne<WorkOrdersController>((c, p, id) => c.orders.get(p, id))
  @Get(':id')
  @ApiOkResponse({ type: WorkOrderView })
  get(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<WorkOrderView> {
    return this.orders.get(p, id);
  }

  /** 接单 (accept) or 出发 (depart), by the technician the order names. Arrival is the check-in at the car. */
  @Post(':id/:step')
  @HttpCode(200)
  @ApiOkResponse({ type: WorkOrderView })
  step(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Param(
      'step',
      new ParseEnumPipe(STEPS, {
        exceptionFactory: () => InvalidInputError.field('step', 'step must be accept or depart'),
      }),
    )
    step: 'accept' | 'depart',
  ): Promise<WorkOrderView> {
    return this.orders.step(p, id, step);
  }
}
