import { fleetStatus, type LiveLike, type OpenAlarmSummary } from './fleet-status';

const live = (o: Partial<LiveLike> = {}): LiveLike => ({ online: true, running: false, mode: 1, ...o });
const alarms = (o: Partial<OpenAlarmSummary> = {}): OpenAlarmSummary => ({
  trapped: false,
  fault: false,
  ...o,
});

describe(fleetStatus.name, () => {
  it.each([
    ['no state at all', null, alarms(), 'offline'],
    [
      'trapped even while the device is silent',
      live({ online: false }),
      alarms({ trapped: true }),
      'trapped',
    ],
    ['trapped before faults', live(), alarms({ trapped: true, fault: true }), 'trapped'],
    ['offline before faults', live({ online: false }), alarms({ fault: true }), 'offline'],
    ['a fault alarm open', live({ running: true }), alarms({ fault: true }), 'fault'],
    ['inspection mode', live({ mode: 2, running: true }), alarms(), 'inspection'],
    ['out of service (mode 0)', live({ mode: 0 }), alarms(), 'out_of_service'],
    ['fire return (mode 3)', live({ mode: 3, running: true }), alarms(), 'out_of_service'],
    ['unknown mode (7)', live({ mode: 7 }), alarms(), 'out_of_service'],
    ['running', live({ running: true }), alarms(), 'running'],
    ['idle', live({ running: false }), alarms(), 'idle'],
    ['idle when mode was never reported', live({ mode: null, running: null }), alarms(), 'idle'],
    [
      'trapped by the car’s own data: a passenger aboard, stopped between floors, no alarm open',
      live({ passenger: true, doorZone: false }),
      alarms(),
      'trapped',
    ],
    [
      'not trapped: a passenger aboard at a floor',
      live({ passenger: true, doorZone: true }),
      alarms(),
      'idle',
    ],
    [
      'not trapped: between floors while running',
      live({ running: true, passenger: true, doorZone: false }),
      alarms(),
      'running',
    ],
    [
      'offline: a stale between-floors sample',
      live({ online: false, passenger: true, doorZone: false }),
      alarms(),
      'offline',
    ],
  ])('%s → %s', (_name, l, a, expected) => {
    expect(fleetStatus(l, a)).toBe(expected);
  });
});
