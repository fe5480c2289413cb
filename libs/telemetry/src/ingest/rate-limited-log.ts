import { type Logger } from '@nestjs/common';

/**
 * An identifier or detail a client chose (client id, topic, username), made safe to log: control
 * characters escaped and cut to `max` characters with the original length noted — a 65 000
 * character client id must not become a 65 KB log line.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]/g;

export function shown(value: string, max = 64): string {
  const clean = value.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return clean.length <= max ? clean : `${clean.slice(0, max)}…(${value.length} chars)`;
}

/**
 * Logs a message at most once per key per interval, counting what it held back — a device
 * sending garbage 1 000 times a second must not flood the log.
 */
export class RateLimitedLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = 60_000,
  ) {}

  warn(key: string, message: string, now = Date.now()): void {
    const seen = this.last.get(key);
    if (seen && now - seen.at < this.intervalMs) {
      seen.suppressed++;
      return;
    }
    if (this.last.size > 10_000) this.last.clear();
    const suffix = seen && seen.suppressed > 0 ? ` (${seen.suppressed} similar suppressed)` : '';
    this.last.set(key, { at: now, suppressed: 0 });
    this.logger.warn(`${message}${suffix}`);
  }
}
