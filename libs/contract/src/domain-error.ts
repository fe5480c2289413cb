/** What kind of failure a domain error is; each transport maps kinds to its own codes. */
export type DomainErrorKind =
  | 'not_found'
  | 'forbidden'
  | 'conflict'
  | 'invalid'
  | 'unprocessable'
  | 'unauthenticated'
  | 'unavailable'
  | 'too_many_requests';

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `owners.1.sharePercent`. */
  field: string;
  messages: string[];
}

/** Base of every error the domain raises on purpose. `code` is stable and machine-readable. */
export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(entity: string, id: string) {
    super('not_found', `${entity.toUpperCase()}_NOT_FOUND`, `${entity} ${id} not found`);
  }
}

export class ForbiddenError extends DomainError {
  constructor(code: string, message: string) {
    super('forbidden', code, message);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string, fields?: FieldProblem[]) {
    super('conflict', code, message, fields);
  }
}

export class InvalidInputError extends DomainError {
  constructor(fields: FieldProblem[], message = 'Validation failed', code = 'VALIDATION_FAILED') {
    super('invalid', code, message, fields);
  }

  static field(field: string, message: string, code?: string): InvalidInputError {
    return new InvalidInputError([{ field, messages: [message] }], `${field}: ${message}`, code);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'Authentication required') {
    super('unauthenticated', 'UNAUTHENTICATED', message);
  }
}

/**
 * Well-formed input that a business rule refuses (an on-demand contract whose entry conditions do
 * not hold, a claim on an expired policy). `fields` names each rule that failed.
 */
export class RuleViolationError extends DomainError {
  constructor(code: string, message: string, fields: FieldProblem[] = []) {
    super('unprocessable', code, message, fields);
  }
}

/**
 * A refusal that a later attempt may not meet (too many attempts, busy): answered with a
 * `Retry-After` header and `retryAfterSeconds` in the body; `details` says more (when a lock ends).
 */
export class RetryLaterError extends DomainError {
  constructor(
    kind: 'too_many_requests' | 'unavailable',
    code: string,
    message: string,
    readonly retryAfterS: number,
    readonly details: Record<string, string | number> = {},
  ) {
    super(kind, code, message);
  }
}
