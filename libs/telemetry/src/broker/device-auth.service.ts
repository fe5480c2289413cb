import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { AuditService, SYSTEM_PRINCIPAL, verifyDeviceSecret } from '@liftwatch/access';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { Sql } from '@liftwatch/database';
import { DeviceDirectory } from '../ingest/device-directory';
import { DeviceAuthThrottle } from './device-auth-throttle';
import { COMMAND_CHANNEL, parseDeviceTopic, TOPIC_ROOT } from '../protocol/topics';

/** Who is on the other end of an MQTT connection. */
export type BrokerIdentity = { kind: 'device'; serial: string } | { kind: 'platform' };

export type AuthDecision =
  { ok: true; identity: BrokerIdentity } | { ok: false; reason: string; throttled?: boolean };

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
 * - Failed CONNECTs are throttled per serial and per address (DeviceAuthThrottle): beyond the free
 *   ones, connections are refused without a lookup, except a known controller with its right
 *   secret; every lock is audited.
 */
@Injectable()
export class DeviceAuthService {
  private readonly logger = new Logger(DeviceAuthService.name);
  /** Replaceable in tests (smaller limits). */
  throttle = new DeviceAuthThrottle();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly directory: DeviceDirectory,
    @Optional() private readonly audit?: AuditService,
    @Optional() private readonly sql?: Sql,
  ) {}

  async authenticate(
    clientId: string,
    username: string | undefined,
    password: string | undefined,
    address?: string,
  ): Promise<AuthDecision> {
    if (!username || password === undefined) return { ok: false, reason: 'missing username or password' };
    const now = new Date();
    const refusal = this.throttle.refusal(username, address, now);
    if (refusal) {
      // only the platform's own account or a controller already known here, with the right
      // secret, gets through (no lookup: a check without I/O)
      if (this.isPlatform(username)) return this.check(clientId, username, password);
      const known = this.directory.peek(username);
      if (known && clientId === username && verifyDeviceSecret(password, known.secretHash)) {
        this.throttle.succeeded(username);
        return { ok: true, identity: { kind: 'device', serial: username } };
      }
      return {
        ok: false,
        throttled: true,
        reason: `too many failed connects for this ${refusal.scope} (${refusal.reason}, retry in ${refusal.retryAfterS} s)`,
      };
    }
    const d = await this.check(clientId, username, password);
    if (d.ok) {
      this.throttle.succeeded(username);
      return d;
    }
    const locks = this.throttle.failed(username, address, now);
    if (locks.length > 0) await this.auditLocks(username, address, locks);
    return d;
  }

  /** Every lock in the audit log (which serial or address, until when), and in the log. */
  private async auditLocks(
    serial: string,
    address: string | undefined,
    locks: Array<{ scope: string; key: string; until: Date }>,
  ): Promise<void> {
    this.logger.warn(
      `device connects throttled: ${locks.map((l) => `${l.scope} ${l.key} until ${l.until.toISOString()}`).join(', ')}`,
    );
    const { audit, sql } = this;
    if (!audit || !sql) return;
    try {
      await sql.transaction(async (tx) => {
        for (const l of locks) {
          await audit.record(tx, SYSTEM_PRINCIPAL, 'device-auth.locked', `device-auth-${l.scope}`, l.key, {
            serial,
            address: address ?? null,
            lockedUntil: l.until.toISOString(),
          });
        }
      });
    } catch (err) {
      // the refusal stands; an audit the database cannot take now is logged instead
      this.logger.warn(
        `audit of a device-auth lock failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  private isPlatform(username: string): boolean {
    const platform = this.config.mqtt;
    return Boolean(platform.username && platform.password && username === platform.username);
  }

  private async check(clientId: string, username: string, password: string): Promise<AuthDecision> {
    const platform = this.config.mqtt;
    if (this.isPlatform(username) && platform.password) {
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
