import { Transform } from 'class-transformer';

/**
 * A boolean query parameter: `true`/`1` and `false`/`0` (any case). Anything else is left as given
 * so `@IsBoolean()` refuses it with a field message. (`@Type(() => Boolean)` would read the text
 * "false" as true — any non-empty string is truthy.)
 */
export function QueryBoolean(): PropertyDecorator {
  return Transform(({ obj, key }: { obj: Record<string, unknown>; key: string }) =>
    parseQueryBoolean(obj[key]),
  );
}

export function parseQueryBoolean(raw: unknown): unknown {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw !== 'string') return raw;
  const v = raw.trim().toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return raw;
}
