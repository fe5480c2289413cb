import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { type Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { DomainError, type DomainErrorKind, type FieldProblem, RetryLaterError } from './domain-error';

const STATUS_BY_KIND: Record<DomainErrorKind, number> = {
  not_found: HttpStatus.NOT_FOUND,
  forbidden: HttpStatus.FORBIDDEN,
  conflict: HttpStatus.CONFLICT,
  invalid: HttpStatus.BAD_REQUEST,
  unprocessable: HttpStatus.UNPROCESSABLE_ENTITY,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
  too_many_requests: HttpStatus.TOO_MANY_REQUESTS,
};

export interface ErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
  fields?: FieldProblem[];
  /** With 429 and 503: how long to wait, as in the Retry-After header. */
  retryAfterSeconds?: number;
  [detail: string]: unknown;
}

interface PgDriverError {
  code?: string;
  constraint?: string;
  detail?: string;
}

interface BodyParserError {
  type?: string;
  status?: number;
}

/** Maps every error to one JSON shape; the only place HTTP status codes are chosen. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    if (body.statusCode >= 500) {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
    }
    if (typeof body.retryAfterSeconds === 'number') {
      res.setHeader('Retry-After', String(body.retryAfterSeconds));
    } else if (body.statusCode === 429) {
      // a 429 from a guard (the public page's rate limit) has set Retry-After: say it in the body too
      const header = Number(res.getHeader('Retry-After'));
      body.code = 'TOO_MANY_REQUESTS';
      body.message = 'Too many requests; try again later';
      if (header > 0) body.retryAfterSeconds = header;
    }
    res.status(body.statusCode).json(body);
  }

  toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      const statusCode = STATUS_BY_KIND[exception.kind];
      return {
        statusCode,
        error: HttpStatus[statusCode] ?? 'Error',
        code: exception.code,
        message: exception.message,
        ...(exception.fields.length > 0 ? { fields: exception.fields } : {}),
        ...(exception instanceof RetryLaterError
          ? { ...exception.details, retryAfterSeconds: exception.retryAfterS }
          : {}),
      };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      const message = httpExceptionMessage(response, exception.message);
      // Nest's built-in body parser turns a JSON syntax error into a plain BadRequestException;
      // our own errors are DomainErrors, so a 400 HttpException about JSON is a parse failure.
      if (statusCode === 400 && /JSON/.test(message)) {
        return {
          statusCode,
          error: 'BAD_REQUEST',
          code: 'INVALID_JSON',
          message: `Request body is not valid JSON: ${message}`,
        };
      }
      return { statusCode, error: HttpStatus[statusCode] ?? 'Error', code: `HTTP_${statusCode}`, message };
    }
    const parserError = exception as BodyParserError;
    if (parserError && parserError.type === 'entity.parse.failed') {
      return {
        statusCode: 400,
        error: 'BAD_REQUEST',
        code: 'INVALID_JSON',
        message: 'Request body is not valid JSON',
      };
    }
    if (parserError && parserError.type === 'entity.too.large') {
      return {
        statusCode: 413,
        error: 'PAYLOAD_TOO_LARGE',
        code: 'PAYLOAD_TOO_LARGE',
        message: 'Request body too large',
      };
    }
    if (exception instanceof QueryFailedError) {
      const driver = exception.driverError as PgDriverError;
      // Constraint violations that slipped past service checks (e.g. a race on a unique key)
      // are the caller's problem, not a server fault.
      if (driver.code === '23505') {
        return {
          statusCode: 409,
          error: 'CONFLICT',
          code: 'DUPLICATE',
          message: `Already exists (${driver.constraint ?? 'unique constraint'})`,
        };
      }
      if (driver.code === '23503') {
        return {
          statusCode: 409,
          error: 'CONFLICT',
          code: 'REFERENCED',
          message: `Still referenced or refers to a missing record (${driver.constraint ?? 'foreign key'})`,
        };
      }
      if (driver.code === '23514' || driver.code === '22P02' || driver.code === '22003') {
        return {
          statusCode: 400,
          error: 'BAD_REQUEST',
          code: 'CONSTRAINT_VIOLATED',
          message: `Value rejected by the database (${driver.constraint ?? driver.code})`,
        };
      }
    }
    return {
      statusCode: 500,
      error: 'INTERNAL_SERVER_ERROR',
      code: 'INTERNAL',
      message: 'Internal server error',
    };
  }
}

function httpExceptionMessage(response: string | object, fallback: string): string {
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return typeof message === 'string' ? message : fallback;
}
