import { Inject, Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { UnauthenticatedError } from '@liftwatch/contract';
import { MetricsService } from '@liftwatch/observability';
import { UserView, type LoginResult } from '../users/dto/user.dto';
import { UsersRepository } from '../users/users.repository';
import { ACCESS_OPTIONS, type AccessOptions } from '../access.options';
import { hashPassword, needsRehash, verifyPassword } from './password.util';
import { type Principal } from './principal';

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

  constructor(
    private readonly users: UsersRepository,
    private readonly jwt: JwtService,
    private readonly metrics: MetricsService,
    @Inject(ACCESS_OPTIONS) private readonly options: AccessOptions,
  ) {}

  async login(username: string, password: string, ttlSeconds: number): Promise<LoginResult> {
    const user = await this.users.findByUsernameWithHash(username);
    const ok = await verifyPassword(password, user?.passwordHash ?? (await this.dummy()));
    if (!user || !ok || user.disabledAt) {
      this.metrics.loginAttempts.inc({ outcome: 'refused' });
      throw new UnauthenticatedError('Wrong username or password');
    }
    this.metrics.loginAttempts.inc({ outcome: 'ok' });
    if (needsRehash(user.passwordHash, this.options.passwordHash)) await this.upgradeHash(user.id, password);
    const claims: TokenClaims = { sub: user.id, role: user.role };
    const accessToken = await this.jwt.signAsync(claims, { expiresIn: ttlSeconds });
    return { accessToken, tokenType: 'Bearer', expiresIn: ttlSeconds, user: UserView.of(user) };
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
