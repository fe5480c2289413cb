import { type Logger } from '@nestjs/common';
import { RateLimitedLog, shown } from './rate-limited-log';

describe(shown.name, () => {
  it('should cut a long identifier and say how long it was', () => {
    const out = shown('x'.repeat(65_000));
    expect(out.length).toBeLessThan(100);
    expect(out).toContain('(65000 chars)');
  });

  it('should escape control characters so one log line stays one line', () => {
    expect(shown('a\nb\u0000c')).toBe('a\\u000ab\\u0000c');
  });

  it('should leave short identifiers alone', () => {
    expect(shown('LW-0001')).toBe('LW-0001');
  });
});

describe(RateLimitedLog.name, () => {
  it('should log a key once per interval and count what it held back', () => {
    const lines: string[] = [];
    const sut = new RateLimitedLog({ warn: (m: string) => lines.push(m) } as unknown as Logger, 1000);
    sut.warn('k', 'first', 0);
    sut.warn('k', 'second', 10);
    sut.warn('k', 'third', 20);
    sut.warn('other', 'other key', 30);
    sut.warn('k', 'later', 1500);
    expect(lines).toEqual(['first', 'other key', 'later (2 similar suppressed)']);
  });
});
