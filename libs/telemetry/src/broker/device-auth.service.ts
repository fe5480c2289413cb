import { Inject, Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { verifyDeviceSecret } from '@liftwatch/access';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { DeviceDirectory } from '../ingest/device-directory';
import { COMMAND_CHANNEL, parseDeviceTopic, TOPIC_ROOT } from '../protocol/topics';

/** Who is on the other end of an MQTT connection. */
export type BrokerIdentity = { kind: 'device'; serial: string } | { kind: 'platform' };

export type AuthDecision = { ok: true; identity: BrokerIdentity } | { ok: false; reason: string };

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Device security decisions, in one place for both broker modes: the embedded aedes broker calls
 * them as hooks, an external broker (EMQX HTTP auth, Mosquitto go-auth) through the HTTP endpoints
 * of BrokerHooksController.
 *
 * - A device connects with client id = username = its serial and password = its secret.
 * - It may publish only under its own prefix `lw/v1/{serial}/{channel}` (not on its command
 *   channel), and subscribe only to `lw/v1/{serial}/cmd`. A channel the protocol does not know is
 *   let through to ingest, which counts it as `unknown_channel` (newer firmware may add channels;
 *   the device is not cut off for it).
 * - The platform's own account (MQTT_USERNAME/MQTT_PASSWORD, for the ingest role on an external
 *   broker) may subscribe to all device topics and publish commands.
 */
@Injectable()
export class DeviceAuthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly directory: DeviceDirectory,
  ) {}

  async authenticate(
    clientId: string,
    username: string | undefined,
    password: string | undefined,
  ): Promise<AuthDecision> {
    if (!username || password === undefined) return { ok: false, reason: 'missing username or password' };
    const platform = this.config.mqtt;
    if (platform.username && platform.password && username === platform.username) {
      return sameSecret(password, platform.password)
        ? { ok: true, identity: { kind: 'platform' } }
        : { ok: false, reason: 'bad platform credentials' };
    }
    if (clientId !== username) return { ok: false, reason: 'client id must equal the device serial' };
    const device = await this.directory.lookup(username);
    if (!device) return { ok: false, reason: 'unknown or revoked device' };
    if (!verifyDeviceSecret(password, device.secretHash)) return { ok: false, reason: 'wrong secret' };
    return { ok: true, identity: { kind: 'device', serial: username } };
  }

  mayPublish(identity: BrokerIdentity, topic: string): boolean {
    const t = parseDeviceTopic(topic);
    if (!t) return false;
    if (identity.kind === 'platform') return t.channel === COMMAND_CHANNEL;
    return t.serial === identity.serial && t.channel !== COMMAND_CHANNEL;
  }

  maySubscribe(identity: BrokerIdentity, filter: string): boolean {
    if (identity.kind === 'platform') {
      const plain = filter.startsWith('$share/') ? filter.split('/').slice(2).join('/') : filter;
      return plain === `${TOPIC_ROOT}/+/+` || plain.startsWith(`${TOPIC_ROOT}/`);
    }
    return filter === `${TOPIC_ROOT}/${identity.serial}/${COMMAND_CHANNEL}`;
  }
}
