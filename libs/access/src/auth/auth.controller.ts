import { Body, Controller, Get, HttpCode, Inject, Ip, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { NotFoundError, type Page, pageArray, PageOf, PageQueryDto } from '@liftwatch/contract';
import { ACCESS_OPTIONS, type AccessOptions } from '../access.options';
import {
  LoginDto,
  LoginLockView,
  LoginResult,
  UnlockLoginDto,
  UnlockResult,
  UserView,
} from '../users/dto/user.dto';
import { UsersRepository } from '../users/users.repository';
import { CurrentPrincipal, Public, Roles } from './auth.decorators';
import { AuthService } from './auth.service';
import { LoginThrottle } from './login-throttle';
import { type Principal } from './principal';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersRepository,
    private readonly throttle: LoginThrottle,
    @Inject(ACCESS_OPTIONS) private readonly options: AccessOptions,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResult })
  @ApiUnauthorizedResponse({ description: 'Wrong username or password' })
  @ApiTooManyRequestsResponse({
    description:
      'LOGIN_SLOW_DOWN, ACCOUNT_LOCKED or ADDRESS_LOCKED: too many failed sign-ins; Retry-After says when to try again',
  })
  @ApiResponse({ status: 503, description: 'LOGIN_BUSY: every password-check slot is taken; Retry-After' })
  login(@Body() dto: LoginDto, @Ip() address: string): Promise<LoginResult> {
    return this.auth.login(dto.username, dto.password, this.options.jwtTtlSeconds, address);
  }

  @Get('locks')
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOkResponse({
    type: PageOf(LoginLockView),
    description: 'sign-in locks in force (accounts and addresses)',
  })
  async locks(@Query() q: PageQueryDto): Promise<Page<LoginLockView>> {
    const locks = await this.throttle.locks(new Date(), 10_000);
    return pageArray(
      locks.map((l) => ({ ...l, lockedUntil: l.lockedUntil.toISOString() })),
      q,
    );
  }

  @Post('locks/unlock')
  @Roles('admin')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOkResponse({ type: UnlockResult })
  async unlock(@CurrentPrincipal() p: Principal, @Body() dto: UnlockLoginDto): Promise<UnlockResult> {
    return { wasLocked: await this.auth.unlock(p, dto.scope, dto.key) };
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOkResponse({ type: UserView })
  async me(@CurrentPrincipal() p: Principal): Promise<UserView> {
    const user = await this.users.findById(p.userId);
    if (!user) throw new NotFoundError('User', p.userId);
    return UserView.of(user);
  }
}
