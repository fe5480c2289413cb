import { Inject, Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { RetryLaterError, UnauthenticatedError } from '@liftwatch/contract';
import { Sql } from '@liftwatch/database';
import { MetricsService } from '@liftwatch/observability';
import { UserView, type LoginResult } from '../users/dto/user.dto';
import { UsersRepository } from '../users/users.repository';
import { ACCESS_OPTIONS, type AccessOptions } from '../access.options';
import { AuditService } from '../audit/audit.service';
import { BoundedWork, WorkBusyError } from './bounded-work';
import {
  accountKey,
  type LoginKeys,
  LoginThrottle,
  type ThrottleRefusal,
  type ThrottleScope,
} from './login-throttle';
import { hashPassword, needsRehash, verifyPassword } from './password.util';
import { type Principal, SYSTEM_PRINCIPAL } from './principal';

interface TokenClaims {
  sub: string;
  role: string;
  iat?: number;
  exp?: number;
}

/** The longest lifetime JWT_TTL_SECONDS allows (30 days). */
const MAX_TOKEN_LIFETIME_S = 30 * 24 * 3600;
/** How far a token's issue time may be ahead of this server's clock (replicas' clocks differ a little). */
const IAT_SKEW_S = 60;

/**
 * Whether a token's times are acceptable now: issued not in the future (beyond the skew), a
 * lifetime within the cap, and not older than the cap at the time of verification — so a token
 * stamped 400 days ahead with an expiry a day later is refused. Pure.
 */
export function tokenTimesValid(iat: unknown, exp: unknown, nowS: number): boolean {
  if (typeof iat !== 'number' || typeof exp !== 'number' || !Number.isFinite(iat) || !Number.isFinite(exp))
    return false;
  return iat <= nowS + IAT_SKEW_S && exp - iat <= MAX_TOKEN_LIFETIME_S && nowS - iat <= MAX_TOKEN_LIFETIME_S;
}

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);
  /**
   * Verifying against a dummy hash of the current cost when the user does not exist keeps the
   * response time the same, so login timing does not reveal which usernames exist.
   */
  private dummyHash: Promise<string> | null = null;

  /** Password checks at once and waiting: a flood of logins cannot take the whole CPU or memory. */
  private readonly hashing: BoundedWork;

  constructor(
    private readonly users: UsersRepository,
    private readonly jwt: JwtService,
    private readonly metrics: MetricsService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
    private readonly sql: Sql,
    @Inject(ACCESS_OPTIONS) private readonly options: AccessOptions,
  ) {
    this.hashing = new BoundedWork(options.login.hashConcurrency, options.login.hashQueue);
  }

  /**
   * Checks a username and password from `address`. Refused at once, without a password check,
   * while the account or the address is locked or must slow down (429 with Retry-After); refused
   * with 503 LOGIN_BUSY when every password-check slot and the waiting line are taken.
   */
  async login(
    username: string,
    password: string,
    ttlSeconds: number,
    address = 'unknown',
  ): Promise<LoginResult> {
    const keys: LoginKeys = { account: accountKey(username), address: address.slice(0, 256) };
    const early = await this.throttle.peek(keys, new Date());
    if (early) throw this.refused(early);
    try {
      return await this.hashing.run(() => this.check(keys, username, password, ttlSeconds));
    } catch (err) {
      if (!(err instanceof WorkBusyError)) throw err;
      this.metrics.loginAttempts.inc({ outcome: 'busy' });
      throw new RetryLaterError(
        'unavailable',
        'LOGIN_BUSY',
        'Too many sign-ins at this moment; try again in a few seconds',
        2,
      );
    }
  }

  private async check(
    keys: LoginKeys,
    username: string,
    password: string,
    ttlSeconds: number,
  ): Promise<LoginResult> {
    const admitted = await this.throttle.admit(keys, new Date());
    if ('refusal' in admitted) throw this.refused(admitted.refusal);
    const user = await this.users.findByUsernameWithHash(username);
    const ok = await verifyPassword(password, user?.passwordHash ?? (await this.dummy()));
    if (!user || !ok || user.disabledAt) {
      this.metrics.loginAttempts.inc({ outcome: 'refused' });
      if (admitted.locked.length > 0) {
        await this.auditLocks(keys, admitted.locked, user?.id ?? null);
        const lock = admitted.locked.find((l) => l.scope === 'account') ?? admitted.locked[0];
        if (lock)
          throw this.refused(
            {
              scope: lock.scope,
              reason: 'locked',
              lockedUntil: lock.until,
              retryAfterS: Math.ceil((lock.until.getTime() - Date.now()) / 1000),
            },
            true,
          );
      }
      throw new UnauthenticatedError('Wrong username or password');
    }
    const addressLock = admitted.locked.find((l) => l.scope === 'address')?.until ?? null;
    await this.throttle.succeeded(keys, admitted.at, addressLock);
    this.metrics.loginAttempts.inc({ outcome: 'ok' });
    if (needsRehash(user.passwordHash, this.options.passwordHash)) await this.upgradeHash(user.id, password);
    const claims: TokenClaims = { sub: user.id, role: user.role };
    const accessToken = await this.jwt.signAsync(claims, { expiresIn: ttlSeconds });
    return { accessToken, tokenType: 'Bearer', expiresIn: ttlSeconds, user: UserView.of(user) };
  }

  /** The 429 for a throttled attempt, saying which lock or wait and until when. */
  private refused(r: ThrottleRefusal, afterWrongPassword = false): RetryLaterError {
    this.metrics.loginAttempts.inc({ outcome: r.reason === 'locked' ? 'locked' : 'throttled' });
    const wrong = afterWrongPassword ? 'Wrong username or password. ' : '';
    const details: Record<string, string | number> = { scope: r.scope };
    if (r.lockedUntil) details.lockedUntil = r.lockedUntil.toISOString();
    if (r.reason === 'slow_down') {
      return new RetryLaterError(
        'too_many_requests',
        'LOGIN_SLOW_DOWN',
        `Too many failed sign-ins ${r.scope === 'account' ? 'for this account' : 'from this address'}; wait ${r.retryAfterS} s before trying again`,
        r.retryAfterS,
        details,
      );
    }
    const minutes = Math.ceil(r.retryAfterS / 60);
    return r.scope === 'account'
      ? new RetryLaterError(
          'too_many_requests',
          'ACCOUNT_LOCKED',
          `${wrong}Too many wrong passwords: this account is locked for ${minutes} min; try again later or ask an administrator to unlock it`,
          r.retryAfterS,
          details,
        )
      : new RetryLaterError(
          'too_many_requests',
          'ADDRESS_LOCKED',
          `${wrong}Too many failed sign-ins from this network address: sign-in from it is paused for ${minutes} min`,
          r.retryAfterS,
          details,
        );
  }

  /** Every lock is in the audit log: which account or address, until when, from where. */
  private async auditLocks(
    keys: LoginKeys,
    locks: Array<{ scope: ThrottleScope; until: Date }>,
    userId: string | null,
  ): Promise<void> {
    const now = new Date();
    await this.sql.transaction(async (tx) => {
      for (const l of locks) {
        await this.audit.record(
          tx,
          SYSTEM_PRINCIPAL,
          'login.locked',
          `login-${l.scope}`,
          l.scope === 'account' ? keys.account : keys.address,
          {
            username: keys.account,
            address: keys.address,
            userId,
            lockedUntil: l.until.toISOString(),
          },
        );
      }
    });
    this.logger.warn(
      `sign-in locked: ${locks.map((l) => `${l.scope} ${l.scope === 'account' ? keys.account : keys.address} until ${l.until.toISOString()}`).join(', ')}`,
    );
    await this.throttle.prune(now);
  }

  /** The administrator lifts a lock (an account by username, or an address); audited. */
  async unlock(actor: Principal, scope: ThrottleScope, key: string): Promise<boolean> {
    const k = scope === 'account' ? accountKey(key) : key;
    const wasLocked = await this.throttle.unlock(scope, k, new Date());
    await this.sql.transaction((tx) =>
      this.audit.record(tx, actor, 'login.unlocked', `login-${scope}`, k, { wasLocked }),
    );
    return wasLocked;
  }

  /**
   * Turns a bearer token into a principal. The user row is read on every request so that a
   * disabled account or a changed binding takes effect at once, not when the token expires.
   */
  async principalFromToken(token: string, requestId?: string): Promise<Principal> {
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token, { algorithms: ['HS256'] });
    } catch {
      throw new UnauthenticatedError('Invalid or expired token');
    }
    // Every token this platform issues carries iat and exp; one without them never expires and
    // did not come from here (or came from a leaked secret): refuse it.
    if (
      !tokenTimesValid(claims.iat, claims.exp, Math.floor(Date.now() / 1000)) ||
      typeof claims.sub !== 'string'
    ) {
      throw new UnauthenticatedError('Invalid or expired token');
    }
    const user = await this.users.findById(claims.sub);
    if (!user || user.disabledAt) throw new UnauthenticatedError('Account no longer active');
    return {
      userId: user.id,
      username: user.username,
      role: user.role,
      organisationId: user.organisationId,
      ownerId: user.ownerId,
      unitId: user.unitId,
      regionCode: user.regionCode,
      requestId,
    };
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword('not a password of anyone', this.options.passwordHash);
    return this.dummyHash;
  }

  /** Replaces a hash weaker than today's parameters, now that the password is known. */
  private async upgradeHash(userId: string, password: string): Promise<void> {
    try {
      await this.users.setPasswordHash(userId, await hashPassword(password, this.options.passwordHash));
    } catch (err) {
      // The login itself succeeded; the upgrade is tried again next time.
      this.logger.warn(
        `password hash upgrade for ${userId} failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
}
