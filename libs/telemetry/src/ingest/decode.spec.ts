import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DecodeLimits, decodeDeviceMessage, type Decoded, type Rejected } from './decode';

const fixture = (name: string): Buffer => readFileSync(join(__dirname, '../protocol/fixtures', name));
const device = { deviceId: 'd-1', elevatorId: 'e-1' };
const NOW = 1795480005000;
const limits: DecodeLimits = {
  maxPayloadBytes: 16 * 1024,
  maxBatchPayloadBytes: 512 * 1024,
  futureToleranceMs: 300_000,
  maxAgeMs: 35 * 86_400_000,
};
const sut = (channel: string, payload: Buffer | string, now = NOW): Decoded | Rejected =>
  decodeDeviceMessage(
    channel,
    Buffer.isBuffer(payload) ? payload : Buffer.from(payload),
    device,
    now,
    limits,
  );

function accepted(r: Decoded | Rejected): Decoded {
  if (!r.ok) throw new Error(`expected acceptance, got ${r.reason}: ${r.detail}`);
  return r;
}

describe(decodeDeviceMessage.name, () => {
  it('should turn a status sample into one row under its device time', () => {
    const r = accepted(sut('status', fixture('status.json')));
    expect(r.status).toEqual([
      {
        elevatorId: 'e-1',
        deviceId: 'd-1',
        ts: 1795480000000,
        seq: 1024,
        receivedAt: NOW,
        running: true,
        direction: 1,
        floor: 5,
        doorZone: false,
        doorClosed: true,
        passenger: true,
        mode: 1,
        speedMps: 1,
        loadKg: 140,
      },
    ]);
  });

  it('should keep optional status fields as null when absent', () => {
    const r = accepted(sut('status', JSON.stringify({ seq: 1, ts: NOW, running: false, dir: 0, mode: 7 })));
    expect(r.status[0]).toMatchObject({ floor: null, doorZone: null, speedMps: null, loadKg: null, mode: 7 });
  });

  it('should ignore unknown extra properties (newer firmware)', () => {
    const r = accepted(
      sut('status', JSON.stringify({ seq: 1, ts: NOW, running: false, dir: 0, mode: 1, temperature: 31 })),
    );
    expect(r.status).toHaveLength(1);
  });

  it('should decode an event, a meter reading and a heartbeat', () => {
    expect(accepted(sut('event', fixture('event-entrapment.json'))).events[0]).toMatchObject({
      code: '11',
      state: 'set',
      detail: { floor: 5 },
    });
    expect(accepted(sut('meter', fixture('meter.json'))).meters[0]).toMatchObject({
      kwh: 1523.417,
      meterId: 'M-0001',
    });
    const hb = accepted(sut('heartbeat', fixture('heartbeat.json')));
    expect([hb.status, hb.events, hb.meters]).toEqual([[], [], []]);
  });

  it('should read the online flag of a Last Will', () => {
    expect(accepted(sut('online', fixture('online-will.json'))).online).toBe(false);
  });

  it('should keep the good items of a batch and count the bad ones', () => {
    const r = accepted(sut('batch', fixture('batch.json')));
    expect(r.status.map((s) => s.seq)).toEqual([900]);
    expect(r.events.map((e) => e.seq)).toEqual([901]);
    expect(r.meters.map((m) => m.seq)).toEqual([902]);
    expect(r.itemRejections).toEqual({ schema: 1 });
  });

  it.each([
    ['bad_json', 'status', '{"seq": 1,'],
    ['bad_json', 'status', '\u0000\u0001'],
    ['schema', 'status', JSON.stringify({ seq: 1, ts: NOW, running: 1, dir: 0, mode: 1 })],
    ['schema', 'status', JSON.stringify({ seq: -1, ts: NOW, running: false, dir: 0, mode: 1 })],
    ['schema', 'status', JSON.stringify({ seq: 1, ts: NOW, running: false, dir: 3, mode: 1 })],
    ['schema', 'status', JSON.stringify({ seq: 1, ts: NOW, running: false, dir: 0, mode: 8 })],
    ['schema', 'status', JSON.stringify({ seq: 1.5, ts: NOW, running: false, dir: 0, mode: 1 })],
    ['schema', 'status', JSON.stringify([1, 2, 3])],
    ['schema', 'event', JSON.stringify({ seq: 1, ts: NOW, code: 'door fault', state: 'set' })],
    ['schema', 'event', JSON.stringify({ seq: 1, ts: NOW, code: '11', state: 'maybe' })],
    ['schema', 'meter', JSON.stringify({ seq: 1, ts: NOW, kwh: -1, meterId: 'M' })],
    ['schema', 'batch', JSON.stringify({ items: [] })],
    ['schema', 'batch', JSON.stringify({ items: [{ ch: 'heartbeat', seq: 1, ts: NOW }] })],
    [
      'future_timestamp',
      'status',
      JSON.stringify({ seq: 1, ts: NOW + 301_000, running: false, dir: 0, mode: 1 }),
    ],
    ['too_old', 'meter', JSON.stringify({ seq: 1, ts: NOW - 36 * 86_400_000, kwh: 1, meterId: 'M' })],
    ['unknown_channel', 'telemetry', '{}'],
  ])('should refuse with %s: %s %s', (reason, channel, payload) => {
    const r = sut(channel, payload);
    expect(r.ok).toBe(false);
    expect((r as Rejected).reason).toBe(reason);
  });

  it('should accept a timestamp just inside the clock-skew tolerance', () => {
    expect(
      sut('status', JSON.stringify({ seq: 1, ts: NOW + 299_000, running: false, dir: 0, mode: 1 })).ok,
    ).toBe(true);
  });

  it('should refuse an oversized payload before parsing it', () => {
    const r = sut('status', Buffer.alloc(limits.maxPayloadBytes + 1, 0x20));
    expect((r as Rejected).reason).toBe('oversize');
    const batch = sut('batch', Buffer.alloc(limits.maxPayloadBytes + 1, 0x20));
    expect((batch as Rejected).reason).toBe('bad_json'); // batches may be larger
  });

  describe('text PostgreSQL cannot store', () => {
    const ev = (detail: unknown): string =>
      JSON.stringify({ seq: 1, ts: NOW, code: '11', state: 'set', detail });
    it.each([
      ['a NUL in a meter id', 'meter', JSON.stringify({ seq: 1, ts: NOW, kwh: 1, meterId: 'M\u0000' })],
      ['a NUL in a detail value', 'event', ev({ note: 'a\u0000b' })],
      ['a NUL in a detail key', 'event', ev({ ['k\u0000']: 1 })],
      ['a lone high surrogate', 'event', ev({ note: '\ud800' })],
      ['a lone low surrogate', 'event', ev({ note: 'x\udc00y' })],
      ['a lone surrogate deep in an array', 'event', ev({ a: [1, { b: ['\udbff'] }] })],
      [
        'a NUL in a heartbeat firmware string',
        'heartbeat',
        JSON.stringify({ seq: 1, ts: NOW, fw: '\u0000' }),
      ],
      [
        'nesting deeper than any protocol message needs',
        'event',
        ev(JSON.parse('{"a":'.repeat(40) + '1' + '}'.repeat(40))),
      ],
    ])('should refuse %s with bad_text', (_name, channel, payload) => {
      const r = sut(channel, payload);
      expect(r.ok).toBe(false);
      expect((r as Rejected).reason).toBe('bad_text');
    });

    it('should accept paired surrogates (an emoji) and other escapes', () => {
      const r = accepted(sut('event', ev({ note: '\ud83d\ude00 \u00e9 \\u0000 as text' })));
      expect(r.events[0].detail).toEqual({ note: '\ud83d\ude00 \u00e9 \\u0000 as text' });
    });

    it('should refuse only the bad item of a batch and keep the rest', () => {
      const payload = JSON.stringify({
        items: [
          { ch: 'status', seq: 1, ts: NOW, running: false, dir: 0, mode: 1 },
          { ch: 'meter', seq: 2, ts: NOW, kwh: 1, meterId: 'M\u0000' },
          { ch: 'event', seq: 3, ts: NOW, code: '90', state: 'pulse', detail: { n: '\ud800' } },
          { ch: 'meter', seq: 4, ts: NOW, kwh: 2, meterId: 'M' },
        ],
      });
      const r = accepted(sut('batch', payload));
      expect(r.status).toHaveLength(1);
      expect(r.meters.map((m) => m.seq)).toEqual([4]);
      expect(r.events).toHaveLength(0);
      expect(r.itemRejections).toEqual({ bad_text: 2 });
    });
  });
});
