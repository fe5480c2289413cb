import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { type FieldProblem, InvalidInputError } from './domain-error';

// A NUL, or a UTF-16 surrogate without its partner: JSON can carry both as \u escapes, PostgreSQL
// stores neither (text refuses NUL, jsonb refuses both), and no user means either.
// eslint-disable-next-line no-control-regex
const BAD_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when `s` holds a NUL or a lone UTF-16 surrogate (text PostgreSQL cannot store). */
export function hasBadText(s: string): boolean {
  return BAD_TEXT.test(s);
}

/** Deepest nesting of objects/arrays a request may carry; no DTO needs more than a few levels. */
export const MAX_INPUT_DEPTH = 32;
/** Most problems reported for one request. */
const MAX_PROBLEMS = 20;

/**
 * Finds what no field of any request may hold: strings (values or keys) with a NUL or a lone
 * surrogate, and nesting deeper than `maxDepth`. Iterative, so a hostile body cannot overflow
 * the stack here (it did in class-transformer). Returns one problem per offending path.
 */
export function findUnsafeInput(value: unknown, maxDepth = MAX_INPUT_DEPTH, root = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const stack: Array<{ v: unknown; path: string; depth: number }> = [{ v: value, path: root, depth: 0 }];
  while (stack.length > 0 && problems.length < MAX_PROBLEMS) {
    const { v, path, depth } = stack.pop() as { v: unknown; path: string; depth: number };
    if (typeof v === 'string') {
      if (hasBadText(v)) problems.push({ field: path || '(body)', messages: [BAD_TEXT_MESSAGE] });
      continue;
    }
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) continue; // uploads are bytes
    if (depth >= maxDepth) {
      problems.push({ field: path || '(body)', messages: [`is nested deeper than ${maxDepth} levels`] });
      continue;
    }
    const entries: Array<[string, unknown]> = Array.isArray(v)
      ? v.map((x, i) => [String(i), x])
      : Object.entries(v as Record<string, unknown>);
    for (const [k, x] of entries) {
      const shownKey = hasBadText(k) ? JSON.stringify(k).slice(1, -1).slice(0, 40) : k.slice(0, 64);
      const childPath = path ? `${path}.${shownKey}` : shownKey;
      if (hasBadText(k)) {
        problems.push({ field: childPath, messages: [`field name ${BAD_TEXT_MESSAGE}`] });
        continue;
      }
      stack.push({ v: x, path: childPath, depth: depth + 1 });
    }
  }
  return problems;
}

const BAD_TEXT_MESSAGE = 'contains a NUL character or an unpaired UTF-16 surrogate, which is not text';

/**
 * Runs before validation on every body, query and route parameter: refuses NULs, lone surrogates
 * and excessive nesting with a 400 naming the field, before class-transformer or PostgreSQL
 * ever see them.
 */
@Injectable()
export class SafeInputPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const root = metadata.type === 'param' && metadata.data ? metadata.data : '';
    const problems = findUnsafeInput(value, MAX_INPUT_DEPTH, root);
    if (problems.length > 0) {
      throw new InvalidInputError(
        problems,
        problems.map((p) => `${p.field}: ${p.messages.join('; ')}`).join(' | '),
        'UNSAFE_INPUT',
      );
    }
    return value;
  }
}
