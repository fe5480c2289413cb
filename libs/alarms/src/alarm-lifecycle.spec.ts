import { transition } from './alarm-lifecycle';
import { alarmTypeForCode } from './alarm-types';

describe(transition.name, () => {
  it.each([
    ['open', 'acknowledge', 'acknowledged'],
    ['open', 'on-site', 'on_site'],
    ['acknowledged', 'dispatch', 'dispatched'],
    ['dispatched', 'on-site', 'on_site'],
    ['on_site', 'resolve', 'resolved'],
    ['open', 'false-alarm', 'false_alarm'],
    ['dispatched', 'false-alarm', 'false_alarm'],
  ] as const)('from %s, %s should lead to %s', (from, action, to) => {
    expect(transition(from, action)).toEqual({ ok: true, to });
  });

  it.each([
    ['acknowledged', 'acknowledge'],
    ['on_site', 'dispatch'],
    ['resolved', 'resolve'],
    ['false_alarm', 'acknowledge'],
    ['resolved', 'false-alarm'],
  ] as const)('from %s, %s should be refused', (from, action) => {
    expect(transition(from, action).ok).toBe(false);
  });
});

describe(alarmTypeForCode.name, () => {
  it('should send every entrapment code to one alarm type', () => {
    expect(
      ['11', 'TRAPPED_AT_FLOOR', 'TRAPPED_BETWEEN_FLOORS'].map((c) => alarmTypeForCode(c)?.type),
    ).toEqual(['entrapment', 'entrapment', 'entrapment']);
  });

  it('should open a fault alarm for faults and none for informational events', () => {
    expect(alarmTypeForCode('02')).toMatchObject({ type: 'fault_02', autoClear: true, needsRescue: false });
    expect(alarmTypeForCode('40')).toBeNull();
    expect(alarmTypeForCode('43')).toBeNull();
    expect(alarmTypeForCode('90')?.type).toBe('entrapment');
    expect(alarmTypeForCode('41')?.type).toBe('power_loss');
  });
});
