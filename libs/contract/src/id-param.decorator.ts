import { Param, ParseUUIDPipe } from '@nestjs/common';
import { InvalidInputError } from './domain-error';

/** A UUID path parameter; anything else is a 400 naming the parameter. */
export const UuidParam = (name = 'id'): ParameterDecorator =>
  Param(
    name,
    new ParseUUIDPipe({ exceptionFactory: () => InvalidInputError.field(name, `${name} must be a UUID`) }),
  );
