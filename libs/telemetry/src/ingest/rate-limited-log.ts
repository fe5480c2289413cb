import { type Logger } from '@nestjs/common';

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
    if (this.last.size > 50_000) this.last.clear();
    const suffix = seen && seen.suppressed > 0 ? ` (${seen.suppressed} similar suppressed)` : '';
    this.last.set(key, { at: now, suppressed: 0 });
    this.logger.warn(`${message}${suffix}`);
  }
}
