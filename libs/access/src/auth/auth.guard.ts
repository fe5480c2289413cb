import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '@liftwatch/contract';
import { IS_PUBLIC } from '@liftwatch/observability';
import { ALLOWED_ROLES, type AuthenticatedRequest } from './auth.decorators';
import { AuthService } from './auth.service';
import { type Role } from './principal';
import { routeTarget, ScopeProbes } from './scope-probes';

/** Global guard: every route needs a valid bearer token unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly scope: ScopeProbes,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest & { id?: unknown }>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header) : null;
    if (!match?.[1]) throw new UnauthenticatedError();
    const requestId = typeof req.id === 'string' ? req.id : undefined;
    req.principal = await this.auth.principalFromToken(match[1], requestId);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ALLOWED_ROLES, targets);
    if (roles && !roles.includes(req.principal.role)) {
      // scope before role: an id outside the caller's scope is 404 whatever the method, so a
      // refused role cannot tell an existing record from a made-up id
      const route = (req as { route?: { path?: unknown } }).route?.path;
      const target =
        typeof route === 'string' ? routeTarget(route, req.params as Record<string, string>) : null;
      if (target && !(await this.scope.visible(req.principal, target))) {
        throw new NotFoundError(entityOf(target.resource), target.id);
      }
      throw new ForbiddenError('ROLE_NOT_ALLOWED', `role ${req.principal.role} may not do this`);
    }
    return true;
  }
}

/** `maintenance/records` → record, `insurance/policies` → policy, `work-orders` → work_order. */
function entityOf(resource: string): string {
  const last = (resource.split('/').at(-1) ?? 'record').replace(/-/g, '_');
  return last.endsWith('ies') ? `${last.slice(0, -3)}y` : last.replace(/s$/, '');
}
