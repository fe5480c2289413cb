import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { UnauthenticatedError } from '@liftwatch/contract';
import { MetricsService } from '@liftwatch/observability';
import { UserView, type LoginResult } from '../users/dto/user.dto';
import { UsersRepository } from '../users/users.repository';
import { verifyPassword } from './password.util';
import { type Principal } from './principal';

interface TokenClaims {
  sub: string;
  role: string;
}

// Verifying against a dummy hash when the user does not exist keeps the response time the same,
// so login timing does not reveal which usernames exist.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly jwt: JwtService,
    private readonly metrics: MetricsService,
  ) {}

  async login(username: string, password: string, ttlSeconds: number): Promise<LoginResult> {
    const user = await this.users.findByUsernameWithHash(username);
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok || user.disabledAt) {
      this.metrics.loginAttempts.inc({ outcome: 'refused' });
      throw new UnauthenticatedError('Wrong username or password');
    }
    this.metrics.loginAttempts.inc({ outcome: 'ok' });
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
      claims = await this.jwt.verifyAsync<TokenClaims>(token);
    } catch {
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
}
