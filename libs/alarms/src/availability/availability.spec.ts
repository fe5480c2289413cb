import { availabilityOf, mergeStretches } from './availability';

const H = 3_600_000;
const start = Date.UTC(2026, 10, 1);
const end = Date.UTC(2026, 11, 1); // 30 days

describe('mergeStretches', () => {
  it('clips to the window, merges overlaps and touching stretches, drops empty ones', () => {
    expect(
      mergeStretches(
        [
          { from: 5, to: 8 },
          { from: -10, to: 2 },
          { from: 7, to: 12 },
          { from: 12, to: 13 },
          { from: 20, to: 20 },
          { from: 25, to: null },
        ],
        0,
        30,
      ),
    ).toEqual([
      [0, 2],
      [5, 13],
      [25, 30],
    ]);
  });
});

describe('availabilityOf', () => {
  it('is 1 for a month without stopping alarms', () => {
    const a = availabilityOf(start, end, end + H, [], []);
    expect(a).toEqual({
      elapsedSeconds: 30 * 24 * 3600,
      outOfServiceSeconds: 0,
      unknownSeconds: 0,
      availability: 1,
    });
  });

  it('counts overlapping alarms once and only the elapsed part of the month', () => {
    const now = start + 10 * 24 * H; // ten days in
    const a = availabilityOf(
      start,
      end,
      now,
      [
        { from: start + H, to: start + 3 * H }, // entrapment 2 h
        { from: start + 2 * H, to: start + 4 * H }, // a fault overlapping it: 1 h more
        { from: now - H, to: null }, // still open: the last hour
      ],
      [],
    );
    expect(a.elapsedSeconds).toBe(240 * 3600);
    expect(a.outOfServiceSeconds).toBe(4 * 3600);
    expect(a.availability).toBeCloseTo(236 / 240, 12);
  });

  it('leaves offline time out of the ratio unless a stopping alarm covers it', () => {
    const now = start + 100 * H;
    const a = availabilityOf(
      start,
      end,
      now,
      [{ from: start + 10 * H, to: start + 12 * H }],
      [{ from: start + 11 * H, to: start + 20 * H }], // one hour of it under the stopping alarm
    );
    expect(a.outOfServiceSeconds).toBe(2 * 3600);
    expect(a.unknownSeconds).toBe(8 * 3600);
    expect(a.availability).toBeCloseTo((92 - 2) / 92, 12);
  });

  it('has no figure before the month begins or when offline throughout', () => {
    expect(availabilityOf(start, end, start - 1, [], []).availability).toBeNull();
    expect(
      availabilityOf(start, end, start + H, [], [{ from: start - H, to: null }]).availability,
    ).toBeNull();
  });

  it('takes alarms begun before the month from the first instant of the month', () => {
    const a = availabilityOf(start, end, start + 10 * H, [{ from: start - 5 * H, to: start + 2 * H }], []);
    expect(a.outOfServiceSeconds).toBe(2 * 3600);
    expect(a.availability).toBeCloseTo(0.8, 12);
  });
});
