import { applyDecorators, Body, Controller, Header, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { Public } from '@liftwatch/observability';
import { IngestService } from '../ingest/ingest.service';
import { checkBrokerSecret } from './broker-hooks.controller';
import { DeviceAuthService } from './device-auth.service';

/**
 * RabbitMQ's HTTP auth backend (rabbitmq_auth_backend_http, `auth_http.http_method = post`): the
 * cluster asks these four questions, form-encoded, and reads `allow` or `deny` in the body.
 * Only devices are answered here — the platform's own account is a RabbitMQ internal user, tried
 * first (auth_backends.1 = internal) — and only over MQTT (RabbitMQ passes the MQTT client id;
 * an AMQP login has none and is refused). A device may publish under its own topics, bind its own
 * MQTT subscription queue to its command topic, and nothing else. The secret comes as `?secret=`
 * (the backend sends no headers of its own).
 */
class RabbitBase {
  @ApiProperty() @IsString() @MaxLength(256) username!: string;
  @ApiProperty({ required: false }) @IsOptional() @IsString() @MaxLength(256) vhost?: string;
  @ApiProperty({ required: false, description: 'the MQTT client id (absent for AMQP logins)' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  client_id?: string;
  @ApiProperty({ required: false }) @IsOptional() @IsString() @MaxLength(256) tags?: string;
}

export class RabbitUserDto extends RabbitBase {
  @ApiProperty() @IsString() @MaxLength(1024) password!: string;
}

export class RabbitVhostDto extends RabbitBase {
  @ApiProperty({ required: false }) @IsOptional() @IsString() @MaxLength(64) ip?: string;
}

export class RabbitResourceDto extends RabbitBase {
  @ApiProperty({ enum: ['exchange', 'queue', 'topic'] })
  @IsIn(['exchange', 'queue', 'topic'])
  resource!: string;
  @ApiProperty() @IsString() @MaxLength(256) name!: string;
  @ApiProperty({ enum: ['configure', 'write', 'read'] })
  @IsIn(['configure', 'write', 'read'])
  permission!: 'configure' | 'write' | 'read';
}

export class RabbitTopicDto extends RabbitResourceDto {
  @ApiProperty() @IsString() @MaxLength(1024) routing_key!: string;
  @ApiProperty({ required: false })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  'variable_map.client_id'?: string;
  @ApiProperty({ required: false })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  'variable_map.username'?: string;
  @ApiProperty({ required: false }) @IsOptional() @IsString() @MaxLength(256) 'variable_map.vhost'?: string;
}

type Answer = 'allow' | 'deny';

/** 200 with `allow` or `deny` as plain text, as rabbitmq_auth_backend_http reads it. */
const RabbitAnswer = () =>
  applyDecorators(
    Header('content-type', 'text/plain; charset=utf-8'),
    ApiProduces('text/plain'),
    ApiOkResponse({ description: 'the decision', schema: { type: 'string', enum: ['allow', 'deny'] } }),
  );

/** `lw.v1.X.cmd` (a routing or binding key) → `lw/v1/X/cmd`; `*` → `+` for binding keys. */
export function mqttTopicOfKey(key: string): string {
  return key.replace(/\./g, '/').replace(/\*/g, '+');
}

@ApiTags('broker')
@Public()
@Controller('broker/rabbitmq')
export class RabbitmqHooksController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly auth: DeviceAuthService,
    private readonly ingest: IngestService,
  ) {}

  @Post('user')
  @HttpCode(200)
  @RabbitAnswer()
  async user(@Query('secret') secret: string | undefined, @Body() dto: RabbitUserDto): Promise<Answer> {
    checkBrokerSecret(this.config.mqtt.hookSecret, secret);
    if (!this.isDevice(dto)) return 'deny';
    const d = await this.auth.authenticate(dto.client_id ?? '', dto.username, dto.password);
    if (!d.ok) {
      this.ingest.countConnectionRejection(
        d.throttled ? 'auth_throttled' : 'auth_failed',
        { clientId: dto.client_id ?? '' },
        d.reason,
      );
    }
    return d.ok && d.identity.kind === 'device' ? 'allow' : 'deny';
  }

  @Post('vhost')
  @HttpCode(200)
  @RabbitAnswer()
  vhost(@Query('secret') secret: string | undefined, @Body() dto: RabbitVhostDto): Answer {
    checkBrokerSecret(this.config.mqtt.hookSecret, secret);
    return this.isDevice(dto) && dto.vhost === '/' ? 'allow' : 'deny';
  }

  @Post('resource')
  @HttpCode(200)
  @RabbitAnswer()
  resource(@Query('secret') secret: string | undefined, @Body() dto: RabbitResourceDto): Answer {
    checkBrokerSecret(this.config.mqtt.hookSecret, secret);
    if (!this.isDevice(dto)) return 'deny';
    // publishing to and binding from the MQTT exchange; the topic check then decides what
    if (dto.resource === 'exchange')
      return dto.name === 'amq.topic' && dto.permission !== 'configure' ? 'allow' : 'deny';
    // the device's own MQTT subscription queue (the MQTT plugin names it after the client id)
    if (dto.resource === 'queue')
      return dto.name === `mqtt-subscription-${dto.username}qos0` ||
        dto.name === `mqtt-subscription-${dto.username}qos1`
        ? 'allow'
        : 'deny';
    return 'deny';
  }

  @Post('topic')
  @HttpCode(200)
  @RabbitAnswer()
  topic(@Query('secret') secret: string | undefined, @Body() dto: RabbitTopicDto): Answer {
    checkBrokerSecret(this.config.mqtt.hookSecret, secret);
    const clientId = dto['variable_map.client_id'] ?? dto.client_id;
    const identity = { kind: 'device', serial: dto.username } as const;
    const topic = mqttTopicOfKey(dto.routing_key);
    const ok =
      this.isDevice({ ...dto, client_id: clientId }) &&
      dto.name === 'amq.topic' &&
      (dto.permission === 'write'
        ? this.auth.mayPublish(identity, topic)
        : dto.permission === 'read' && this.auth.maySubscribe(identity, topic));
    if (!ok) {
      this.ingest.countConnectionRejection(
        'acl_denied',
        { clientId: clientId ?? '' },
        `${dto.permission === 'write' ? 'publish' : 'subscribe'} ${topic}`,
      );
    }
    return ok ? 'allow' : 'deny';
  }

  /** A device over MQTT: not the platform's account, and its client id is its serial. */
  private isDevice(dto: RabbitBase): boolean {
    if (this.config.mqtt.username && dto.username === this.config.mqtt.username) return false;
    return dto.client_id !== undefined && dto.client_id === dto.username;
  }
}
