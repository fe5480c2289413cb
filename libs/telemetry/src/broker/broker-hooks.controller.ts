import { Body, Controller, Headers, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { ForbiddenError, UnauthenticatedError } from '@liftwatch/contract';
import { Public } from '@liftwatch/observability';
import { IngestService } from '../ingest/ingest.service';
import { DeviceAuthService } from './device-auth.service';

export class BrokerAuthenticateDto {
  @ApiProperty() @IsString() @MaxLength(256) clientid!: string;
  @ApiProperty({
    required: false,
    description: "the device's address, as the broker saw it (EMQX ${peerhost})",
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  peerhost?: string;
  @ApiProperty() @IsString() @MaxLength(256) username!: string;
  @ApiProperty() @IsString() @MaxLength(1024) password!: string;
}

export class BrokerAuthorizeDto {
  @ApiProperty() @IsString() @MaxLength(256) clientid!: string;
  @ApiProperty({
    required: false,
    description: "the device's address, as the broker saw it (EMQX ${peerhost})",
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  peerhost?: string;
  @ApiProperty() @IsString() @MaxLength(256) username!: string;
  @ApiProperty() @IsString() @MaxLength(1024) topic!: string;
  @ApiProperty({ enum: ['publish', 'subscribe'] }) @IsIn(['publish', 'subscribe']) action!:
    'publish' | 'subscribe';
  @ApiProperty({ required: false }) @IsOptional() @IsString() @MaxLength(256) password?: string;
}

/** mosquitto-go-auth's HTTP backend (params mode json): the user check. */
export class GoAuthUserDto {
  @ApiProperty() @IsString() @MaxLength(256) username!: string;
  @ApiProperty() @IsString() @MaxLength(1024) password!: string;
  @ApiProperty() @IsString() @MaxLength(256) clientid!: string;
}

/** mosquitto-go-auth's HTTP backend: the superuser check (liftwatch has no superusers). */
export class GoAuthSuperuserDto {
  @ApiProperty() @IsString() @MaxLength(256) username!: string;
}

/** mosquitto-go-auth's HTTP backend: the ACL check; acc 1 read, 2 write, 3 read+write, 4 subscribe. */
export class GoAuthAclDto {
  @ApiProperty() @IsString() @MaxLength(256) username!: string;
  @ApiProperty() @IsString() @MaxLength(256) clientid!: string;
  @ApiProperty() @IsString() @MaxLength(1024) topic!: string;
  @ApiProperty({ enum: [1, 2, 3, 4] }) @IsIn([1, 2, 3, 4]) acc!: 1 | 2 | 3 | 4;
}

export class BrokerDecision {
  @ApiProperty({ enum: ['allow', 'deny'] }) result!: 'allow' | 'deny';
}

/**
 * Device authentication and ACL for an external broker, with the same decisions the embedded
 * broker makes. Request and response follow EMQX 5's HTTP authenticator/authorizer
 * (`{"result": "allow" | "deny"}`); Mosquitto's go-auth HTTP backend can call them too.
 * The broker proves itself with the `x-broker-secret` header (BROKER_HOOK_SECRET).
 */
@ApiTags('broker')
@ApiHeader({ name: 'x-broker-secret', required: true })
@Public()
@Controller('broker')
export class BrokerHooksController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly auth: DeviceAuthService,
    private readonly ingest: IngestService,
  ) {}

  @Post('authenticate')
  @HttpCode(200)
  async authenticate(
    @Headers('x-broker-secret') secret: string | undefined,
    @Body() dto: BrokerAuthenticateDto,
  ): Promise<BrokerDecision> {
    this.checkSecret(secret);
    const d = await this.auth.authenticate(dto.clientid, dto.username, dto.password, dto.peerhost);
    if (!d.ok) {
      this.ingest.countConnectionRejection(
        d.throttled ? 'auth_throttled' : 'auth_failed',
        { clientId: dto.clientid, remoteAddress: dto.peerhost },
        d.reason,
      );
    }
    return { result: d.ok ? 'allow' : 'deny' };
  }

  /** Authorisation is stateless: the broker has authenticated the client, we check the topic. */
  @Post('authorize')
  @HttpCode(200)
  authorize(
    @Headers('x-broker-secret') secret: string | undefined,
    @Body() dto: BrokerAuthorizeDto,
  ): BrokerDecision {
    this.checkSecret(secret);
    const identity =
      this.config.mqtt.username && dto.username === this.config.mqtt.username
        ? ({ kind: 'platform' } as const)
        : ({ kind: 'device', serial: dto.username } as const);
    const ok =
      (identity.kind === 'platform' || dto.clientid === dto.username) &&
      (dto.action === 'publish'
        ? this.auth.mayPublish(identity, dto.topic)
        : this.auth.maySubscribe(identity, dto.topic));
    if (!ok) {
      this.ingest.countConnectionRejection(
        'acl_denied',
        { clientId: dto.clientid, remoteAddress: dto.peerhost },
        `${dto.action} ${dto.topic}`,
      );
    }
    return { result: ok ? 'allow' : 'deny' };
  }

  /**
   * mosquitto-go-auth (`auth_opt_http_response_mode status`): 200 allows, 403 denies. go-auth
   * cannot send headers, so the secret may come as `?secret=` in the configured URI instead.
   */
  @Post('go-auth/user')
  @HttpCode(200)
  @ApiOkResponse({ type: BrokerDecision, description: 'allowed (403 when denied)' })
  async goAuthUser(
    @Headers('x-broker-secret') header: string | undefined,
    @Query('secret') query: string | undefined,
    @Body() dto: GoAuthUserDto,
  ): Promise<BrokerDecision> {
    const decision = await this.authenticate(header ?? query, dto);
    if (decision.result !== 'allow') throw new ForbiddenError('BROKER_DENIED', 'denied');
    return decision;
  }

  @Post('go-auth/superuser')
  @HttpCode(200)
  @ApiOkResponse({ type: BrokerDecision, description: 'allowed (403 when denied)' })
  goAuthSuperuser(
    @Headers('x-broker-secret') header: string | undefined,
    @Query('secret') query: string | undefined,
    @Body() _dto: GoAuthSuperuserDto,
  ): BrokerDecision {
    this.checkSecret(header ?? query);
    // Nobody bypasses the ACL: the platform's own account is checked like a device.
    throw new ForbiddenError('BROKER_DENIED', 'no superusers');
  }

  @Post('go-auth/acl')
  @HttpCode(200)
  @ApiOkResponse({ type: BrokerDecision, description: 'allowed (403 when denied)' })
  goAuthAcl(
    @Headers('x-broker-secret') header: string | undefined,
    @Query('secret') query: string | undefined,
    @Body() dto: GoAuthAclDto,
  ): BrokerDecision {
    const secret = header ?? query;
    const check = (action: 'publish' | 'subscribe'): boolean =>
      this.authorize(secret, { clientid: dto.clientid, username: dto.username, topic: dto.topic, action })
        .result === 'allow';
    // read (1): the broker delivers a message on `topic` to the client — as subscribing to it.
    const ok =
      dto.acc === 2
        ? check('publish')
        : dto.acc === 3
          ? check('publish') && check('subscribe')
          : check('subscribe');
    if (!ok) throw new ForbiddenError('BROKER_DENIED', 'denied');
    return { result: 'allow' };
  }

  private checkSecret(given: string | undefined): void {
    checkBrokerSecret(this.config.mqtt.hookSecret, given);
  }
}

/** The broker proves itself with BROKER_HOOK_SECRET (a header, or `?secret=` where it cannot send one). */
export function checkBrokerSecret(expected: string | undefined, given: string | undefined): void {
  if (!expected || !given)
    throw new UnauthenticatedError('broker hooks need BROKER_HOOK_SECRET and x-broker-secret');
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new UnauthenticatedError('wrong broker secret');
}
