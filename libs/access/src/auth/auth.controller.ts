import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { NotFoundError } from '@liftwatch/contract';
import { ACCESS_OPTIONS, type AccessOptions } from '../access.options';
import { LoginDto, LoginResult, UserView } from '../users/dto/user.dto';
import { UsersRepository } from '../users/users.repository';
import { CurrentPrincipal, Public } from './auth.decorators';
import { AuthService } from './auth.service';
import { type Principal } from './principal';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersRepository,
    @Inject(ACCESS_OPTIONS) private readonly options: AccessOptions,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResult })
  @ApiUnauthorizedResponse({ description: 'Wrong username or password' })
  login(@Body() dto: LoginDto): Promise<LoginResult> {
    return this.auth.login(dto.username, dto.password, this.options.jwtTtlSeconds);
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
