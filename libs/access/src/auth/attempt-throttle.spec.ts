import {
  admit,
  delayAfter,
  EMPTY_THROTTLE,
  succeeded,
  type ThrottlePolicy,
  type ThrottleState,
} from './attempt-throttle';

const policy: ThrottlePolicy = {
  windowS: 900,
  freeFailures: 3,
  maxDelayS: 30,
  lockAfter: 6,
  lockS: 900,
  maxLockS: 3600,
};
const t0 = new Date('2026-12-07T08:00:00Z');
const at = (s: number): Date => new Date(t0.getTime() + s * 1000);

/** Admits attempts at the given seconds, failing each; returns the last state and every answer. */
function fail(seconds: number[], from: ThrottleState = EMPTY_THROTTLE) {
  let state = from;
  const answers = seconds.map((s) => {
    const a = admit(state, policy, at(s));
    if (a.ok) state = a.state;
    return a;
  });
  return { state, answers };
}

describe('attempt throttle', () => {
  it('should let the free failures through back to back', () => {
    const { answers } = fail([0, 0, 0]);
    expect(answers.every((a) => a.ok)).toBe(true);
  });

  it('should make the attempt after the free ones wait, doubling each time, up to the cap', () => {
    expect([2, 3, 4, 5, 6, 10, 20].map((n) => delayAfter(n, policy))).toEqual([0, 1, 2, 4, 8, 30, 30]);
    const { answers } = fail([0, 0, 0, 0.5]);
    expect(answers[3]).toEqual({ ok: false, reason: 'slow_down', retryAfterS: 1, lockedUntil: null });
    const later = fail([0, 0, 0, 1, 2]);
    expect(later.answers[3]?.ok).toBe(true);
    expect(later.answers[4]).toMatchObject({ ok: false, reason: 'slow_down', retryAfterS: 1 });
  });

  it('should lock on the attempt that reaches the limit, refuse while locked and start afresh after', () => {
    const { state, answers } = fail([0, 0, 0, 1, 3, 7]);
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(answers[5]).toMatchObject({ lockedUntil: at(7 + 900) });
    const during = admit(state, policy, at(100));
    expect(during).toEqual({ ok: false, reason: 'locked', retryAfterS: 807, lockedUntil: at(907) });
    const after = admit(state, policy, at(908));
    expect(after).toMatchObject({ ok: true, lockedUntil: null });
    if (after.ok) expect(after.state.attempts).toEqual([at(908)]);
  });

  it('should double a lock that follows another within a day, up to the longest', () => {
    const first = fail([0, 0, 0, 1, 3, 7]).state;
    const second = fail([1000, 1000, 1000, 1001, 1003, 1007], first);
    expect(second.answers[5]).toMatchObject({ lockedUntil: at(1007 + 1800) });
    const third = fail([3000, 3000, 3000, 3001, 3003, 3007], second.state);
    expect(third.answers[5]).toMatchObject({ lockedUntil: at(3007 + 3600) });
    // a day after the last lock the count starts again
    const fresh = fail([200_000, 200_000, 200_000, 200_001, 200_003, 200_007], third.state);
    expect(fresh.answers[5]).toMatchObject({ lockedUntil: at(200_007 + 900) });
  });

  it('should forget failures that left the window', () => {
    const { state } = fail([0, 0, 0]);
    const a = admit(state, policy, at(901));
    expect(a.ok).toBe(true);
    if (a.ok) expect(a.state.attempts).toEqual([at(901)]);
  });

  it('should clear everything after a success', () => {
    expect(succeeded()).toEqual(EMPTY_THROTTLE);
    const a = admit(succeeded(), policy, at(1));
    expect(a.ok).toBe(true);
  });
});
