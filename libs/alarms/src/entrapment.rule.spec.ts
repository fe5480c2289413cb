import { type StatusRow } from '@liftwatch/telemetry';
import { entrapmentCondition, scanCondition } from './entrapment.rule';

const s = (ts: number, o: Partial<StatusRow> = {}): StatusRow => ({
  elevatorId: 'e',
  deviceId: 'd',
  ts,
  seq: ts,
  receivedAt: ts,
  running: false,
  direction: 0,
  floor: 3,
  doorZone: false,
  doorClosed: true,
  passenger: true,
  mode: 1,
  speedMps: 0,
  loadKg: 70,
  ...o,
});

describe(entrapmentCondition.name, () => {
  it.each([
    [{}, true],
    [{ doorZone: true, doorClosed: true }, true],
    [{ doorZone: false, doorClosed: false }, true],
    [{ doorZone: true, doorClosed: false }, false],
    [{ passenger: false }, false],
    [{ passenger: null }, false],
    [{ running: true }, false],
  ] as const)('%p should be an entrapment condition: %p', (o, expected) => {
    expect(entrapmentCondition(s(0, o))).toBe(expected);
  });
});

describe(scanCondition.name, () => {
  it('should find the start of a condition still holding', () => {
    expect(scanCondition([s(3000), s(1000), s(2000)], false)).toEqual({
      holdingSince: 1000,
      lastTs: 3000,
      endedAt: null,
      ended: [],
    });
  });

  it('should see a held condition end, and a new one begin after it', () => {
    const run = scanCondition([s(1000), s(2000, { running: true }), s(5000), s(6000)], true);
    expect(run).toEqual({
      holdingSince: 5000,
      lastTs: 6000,
      endedAt: 2000,
      ended: [{ since: null, lastTs: 1000, endedAt: 2000 }],
    });
  });

  it('should report nothing for normal traffic', () => {
    expect(scanCondition([s(1, { passenger: false }), s(2, { running: true })], false)).toEqual({
      holdingSince: null,
      lastTs: null,
      endedAt: null,
      ended: [],
    });
  });

  it('should report a whole entrapment replayed in one batch as a run with its start and end', () => {
    const replay = [
      s(0, { passenger: false }),
      ...[1, 2, 3].map((m) => s(m * 60_000)),
      s(200_000, { passenger: false }),
    ];
    expect(scanCondition(replay, false)).toEqual({
      holdingSince: null,
      lastTs: null,
      endedAt: 200_000,
      ended: [{ since: 60_000, lastTs: 180_000, endedAt: 200_000 }],
    });
  });
});
