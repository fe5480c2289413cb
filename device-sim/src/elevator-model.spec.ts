import { ElevatorModel } from './elevator-model';
import { parseFault } from './fleet';
import { trafficAt } from './traffic';

/** A quiet hour (04:00 China time), so no random calls interfere. */
const NIGHT = Date.UTC(2026, 10, 23, 20, 0, 0);

describe(ElevatorModel.name, () => {
  it('should carry a call from the 6th floor down to the 1st through door and travel phases', () => {
    const sut = new ElevatorModel({ floors: 7, random: () => 0.99 }, 100);
    sut.advance(NIGHT);
    sut.call(6, 1);
    const seen = new Set<string>();
    let t = NIGHT;
    for (let i = 0; i < 400; i++) {
      t += 250;
      sut.advance(t);
      const s = sut.snapshot();
      seen.add(`${s.running ? 'run' : 'stop'}-${s.doorClosed ? 'closed' : 'open'}`);
      if (s.running) expect(s.doorClosed).toBe(true);
    }
    expect(seen).toEqual(new Set(['stop-closed', 'run-closed', 'stop-open']));
    const end = sut.snapshot();
    expect(end).toMatchObject({
      floor: 1,
      running: false,
      doorClosed: true,
      doorZone: true,
      passenger: false,
    });
    expect(sut.energyKwh).toBeGreaterThan(100);
  });

  it('should report an entrapment as stopped between floors with passengers and doors closed, then release', () => {
    const sut = new ElevatorModel({ floors: 7, random: () => 0.99 }, 0);
    sut.advance(NIGHT);
    sut.entrap(30);
    expect(sut.snapshot()).toMatchObject({
      running: false,
      doorZone: false,
      doorClosed: true,
      passenger: true,
    });
    sut.advance(NIGHT + 31_000);
    expect(sut.entrapped).toBe(false);
    expect(sut.snapshot().doorZone).toBe(true);
  });

  it('should report emergency power mode during a power loss', () => {
    const sut = new ElevatorModel({ floors: 6 }, 0);
    sut.powerLoss(true);
    expect(sut.snapshot().mode).toBe(5);
  });
});

describe('traffic profile', () => {
  it('should be busiest in the morning and evening peaks and quiet at night', () => {
    expect(trafficAt(8).callsPerHour).toBeGreaterThan(trafficAt(14).callsPerHour);
    expect(trafficAt(18).callsPerHour).toBeGreaterThan(trafficAt(14).callsPerHour);
    expect(trafficAt(3).callsPerHour).toBeLessThan(trafficAt(14).callsPerHour);
    expect(trafficAt(8).downShare).toBeGreaterThan(0.5);
    expect(trafficAt(18).upShare).toBeGreaterThan(0.5);
  });
});

describe(parseFault.name, () => {
  it('should parse fault specs', () => {
    expect(parseFault('entrapment:0@10+120')).toEqual({
      kind: 'entrapment',
      device: 0,
      atS: 10,
      durationS: 120,
    });
    expect(parseFault('drop:*@30+20')).toEqual({ kind: 'drop', device: 'all', atS: 30, durationS: 20 });
    expect(parseFault('visit:1@5+600')).toEqual({ kind: 'visit', device: 1, atS: 5, durationS: 600 });
    expect(() => parseFault('fire:1@1+1')).toThrow(/bad fault/);
  });
});

describe('inspection mode', () => {
  it('should report service mode 2 while a technician has the car in inspection', () => {
    const model = new ElevatorModel({ floors: 6 });
    model.advance(0);
    expect(model.snapshot().mode).toBe(1);
    model.setInspection(true);
    model.advance(1000);
    expect(model.snapshot().mode).toBe(2);
    model.setInspection(false);
    expect(model.snapshot().mode).toBe(1);
  });
});
