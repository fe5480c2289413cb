import { type LiveState, LiveStateChanges } from './live-state';

const state = (o: Partial<LiveState> = {}): LiveState => ({
  elevatorId: 'e1',
  deviceId: 'd1',
  ts: '2026-11-25T10:00:00.000Z',
  seq: 5,
  running: false,
  direction: 0,
  floor: 3,
  doorZone: true,
  doorClosed: true,
  passenger: false,
  mode: 1,
  speedMps: 0,
  loadKg: 0,
  kwh: 12.5,
  online: true,
  onlineChangedAt: '2026-11-25T09:00:00.000Z',
  lastSeenAt: '2026-11-25T10:00:00.000Z',
  status: 'idle',
  ...o,
});

describe(LiveStateChanges.name, () => {
  it('should pass the first state, then only states that differ in what a dashboard shows', () => {
    const sut = new LiveStateChanges();
    expect(sut.changed(state())).toBe(true);
    // a heartbeat: only the last-seen time moves
    expect(sut.changed(state({ lastSeenAt: '2026-11-25T10:00:30.000Z' }))).toBe(false);
    expect(sut.changed(state({ floor: 4, seq: 6 }))).toBe(true);
    expect(sut.changed(state({ floor: 4, seq: 6 }))).toBe(false);
    // the next sample of an elevator standing still: new time and sequence number, nothing to show
    expect(sut.changed(state({ floor: 4, seq: 7, ts: '2026-11-25T10:00:31.000Z' }))).toBe(false);
    expect(sut.changed(state({ floor: 4, seq: 6, online: false }))).toBe(true);
    // another elevator is tracked on its own
    expect(sut.changed(state({ elevatorId: 'e2' }))).toBe(true);
  });
});
