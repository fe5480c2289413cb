import { ReadsOne } from '../auth/scope-probes';
import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { type Page, pageOf, SearchPageQueryDto, UuidParam, PageOf } from '@liftwatch/contract';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { type Principal, ROLES, type Role } from '../auth/principal';
import { CreateUserDto, UpdateUserDto, UserView } from './dto/user.dto';
import { UsersService } from './users.service';

class UserQueryDto extends SearchPageQueryDto {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;
}

@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOkResponse({ type: PageOf(UserView) })
  async list(@Query() q: UserQueryDto): Promise<Page<UserView>> {
    const [items, total] = await this.users.list(q);
    return pageOf(items, total, q);
  }

  @ReadsOne<UsersController>((c, _p, id) => c.users.get(id))
  @Get(':id')
  @ApiOkResponse({ type: UserView })
  async get(@UuidParam() id: string): Promise<UserView> {
    return UserView.of(await this.users.get(id));
  }

  @Post()
  @ApiOkResponse({ type: UserView })
  async create(@CurrentPrincipal() p: Principal, @Body() dto: CreateUserDto): Promise<UserView> {
    return UserView.of(await this.users.create(p, dto));
  }

  @Patch(':id')
  @ApiOkResponse({ type: UserView })
  async update(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: UpdateUserDto,
  ): Promise<UserView> {
    return UserView.of(await this.users.update(p, id, dto));
  }
}
