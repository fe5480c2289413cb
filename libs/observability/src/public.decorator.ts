import { SetMetadata } from '@nestjs/common';

/**
 * Marks a route as needing no token. The metadata key is shared with the access library's guard;
 * it lives here so operational endpoints do not depend on the access domain.
 */
export const IS_PUBLIC = 'liftwatch:isPublic';
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
