import { type ValidationError } from 'class-validator';
import { type FieldProblem, InvalidInputError } from './domain-error';

/** Flattens class-validator's nested errors into one entry per field path. */
export function toFieldProblems(errors: ValidationError[], prefix = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) {
      out.push({ field: path, messages: Object.values(error.constraints) });
    }
    if (error.children && error.children.length > 0) {
      out.push(...toFieldProblems(error.children, path));
    }
  }
  return out;
}

/** exceptionFactory for Nest's ValidationPipe. */
export function validationExceptionFactory(errors: ValidationError[]): InvalidInputError {
  const fields = toFieldProblems(errors);
  const summary = fields.map((f) => `${f.field}: ${f.messages.join('; ')}`).join(' | ');
  return new InvalidInputError(fields, summary || 'Validation failed');
}
