import { DeviceAuthThrottle } from './device-auth-throttle';

const policy = { windowS: 300, freeFailures: 2, maxDelayS: 30, lockAfter: 4, lockS: 600, maxLockS: 3600 };
const t0 = new Date('2026-12-07T08:00:00Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);

describe(DeviceAuthThrottle.name, () => {
  it('should slow a serial down after its free failures and lock it at the limit', () => {
    const th = new DeviceAuthThrottle({
      serial: policy,
      address: { ...policy, freeFailures: 100, lockAfter: 200 },
    });
    expect(th.failed('LW-1', '10.0.0.1', at(0))).toEqual([]);
    expect(th.failed('LW-1', '10.0.0.2', at(0))).toEqual([]);
    expect(th.refusal('LW-1', '10.0.0.3', at(0.5))).toEqual({
      scope: 'serial',
      reason: 'slow_down',
      retryAfterS: 1,
    });
    expect(th.refusal('LW-2', '10.0.0.3', at(0.5))).toBeNull();
    expect(th.refusal('LW-1', '10.0.0.3', at(1))).toBeNull();
    th.failed('LW-1', '10.0.0.3', at(1));
    expect(th.failed('LW-1', '10.0.0.3', at(3))).toEqual([{ scope: 'serial', key: 'LW-1', until: at(603) }]);
    expect(th.refusal('LW-1', undefined, at(100))).toMatchObject({ reason: 'locked', retryAfterS: 503 });
  });

  it('should lock an address guessing many serials, and clear a serial that gets in', () => {
    const th = new DeviceAuthThrottle({ serial: policy, address: policy });
    th.failed('a', '10.0.0.9', at(0));
    th.failed('b', '10.0.0.9', at(0));
    expect(th.refusal('c', '10.0.0.9', at(0))).toMatchObject({ scope: 'address', reason: 'slow_down' });
    th.failed('c', '10.0.0.9', at(1));
    expect(th.failed('d', '10.0.0.9', at(3))).toEqual([
      { scope: 'address', key: '10.0.0.9', until: at(603) },
    ]);
    expect(th.refusal('e', '10.0.0.9', at(4))).toMatchObject({ scope: 'address', reason: 'locked' });
    th.failed('x', undefined, at(0));
    th.failed('x', undefined, at(0));
    th.succeeded('x');
    expect(th.refusal('x', undefined, at(0))).toBeNull();
  });
});
