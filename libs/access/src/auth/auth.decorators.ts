import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { type Request } from 'express';
import { UnauthenticatedError } from '@liftwatch/contract';
import { type Principal, type Role } from './principal';

export const ALLOWED_ROLES = 'liftwatch:roles';

export { IS_PUBLIC, Public } from '@liftwatch/observability';

/** Only these roles may call the route; others get 403 (scope checks still apply inside). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ALLOWED_ROLES, roles);

export interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!req.principal) throw new UnauthenticatedError();
  return req.principal;
});
