import { chinaHour, trafficAt } from './traffic';

/** What the controller reports (protocol v1 status fields). */
export interface ElevatorSnapshot {
  running: boolean;
  dir: 0 | 1 | 2;
  floor: number;
  doorZone: boolean;
  doorClosed: boolean;
  passenger: boolean;
  mode: number;
  speed: number;
  load: number;
}

type Phase = 'idle' | 'opening' | 'open' | 'closing' | 'moving' | 'stuck' | 'no_power';

export interface ModelOptions {
  floors: number;
  ratedSpeedMps?: number;
  floorHeightM?: number;
  /** random source in [0, 1) — injectable for repeatable tests */
  random?: () => number;
}

interface Leg {
  to: number;
  boarding: boolean;
}

const DOOR_MOVE_S = 2;
const DOOR_OPEN_S = 4;
const PASSENGER_KG = 70;

/**
 * A retrofit elevator in a residential unit, advanced in (simulated) time. Calls arrive as a
 * Poisson process following the time-of-day traffic profile; each call is a trip (go to the
 * caller's floor, open, board, close, travel, open, alight, close). Faults can be forced.
 */
export class ElevatorModel {
  private readonly floors: number;
  private readonly speed: number;
  private readonly floorHeight: number;
  private readonly random: () => number;
  private phase: Phase = 'idle';
  private phaseLeft = 0;
  private position = 0; // metres above floor 1
  private target = 1;
  private legs: Leg[] = [];
  private loadKg = 0;
  private overspeedFactor = 1;
  private inspection = false;
  private doorStuck = false;
  private stuckLeft = 0;
  private kwh: number;
  private lastAt: number | null = null;
  /** floors travelled, for the energy meter */
  trips = 0;

  constructor(o: ModelOptions, initialKwh = 1000 * Math.random()) {
    this.floors = o.floors;
    this.speed = o.ratedSpeedMps ?? 1;
    this.floorHeight = o.floorHeightM ?? 3;
    this.random = o.random ?? Math.random;
    this.kwh = initialKwh;
  }

  get energyKwh(): number {
    return this.kwh;
  }

  /** Advances the model to `now` (epoch ms) in steps of at most 250 ms. */
  advance(now: number): void {
    if (this.lastAt === null) {
      this.lastAt = now;
      return;
    }
    let dt = (now - this.lastAt) / 1000;
    this.lastAt = now;
    while (dt > 0) {
      const step = Math.min(dt, 0.25);
      this.step(step, now);
      dt -= step;
    }
  }

  /** Forces a call (e.g. from tests) from one floor to another. */
  call(from: number, to: number): void {
    this.legs.push({ to: from, boarding: true }, { to, boarding: false });
  }

  /** Stops the car between floors with passengers inside for `seconds` (an entrapment). */
  entrap(seconds: number): void {
    if (this.loadKg === 0) this.loadKg = PASSENGER_KG;
    if (this.position % this.floorHeight < 0.5) this.position += 1.4; // between floors
    this.phase = 'stuck';
    this.stuckLeft = seconds;
  }

  /** Doors stay open (e.g. obstructed) until cleared. */
  setDoorStuck(stuck: boolean): void {
    this.doorStuck = stuck;
    if (stuck && this.phase === 'idle') this.phase = 'opening';
  }

  powerLoss(on: boolean): void {
    this.phase = on ? 'no_power' : 'idle';
  }

  /** A technician switches the car to inspection (service mode 2); the model reports it until switched back. */
  setInspection(on: boolean): void {
    this.inspection = on;
  }

  setOverspeed(factor: number): void {
    this.overspeedFactor = factor;
  }

  get entrapped(): boolean {
    return this.phase === 'stuck';
  }

  snapshot(): ElevatorSnapshot {
    const floorExact = this.position / this.floorHeight + 1;
    const floor = Math.min(this.floors, Math.max(1, Math.round(floorExact)));
    const inZone = Math.abs(floorExact - floor) * this.floorHeight < 0.15;
    const moving = this.phase === 'moving';
    const dir: 0 | 1 | 2 = moving ? (this.target > floorExact ? 1 : 2) : 0;
    return {
      running: moving,
      dir,
      floor,
      doorZone: inZone,
      doorClosed: !(this.phase === 'opening' || this.phase === 'open' || this.phase === 'closing'),
      passenger: this.loadKg > 0,
      mode: this.phase === 'no_power' ? 5 : this.inspection ? 2 : 1,
      speed: moving ? Math.round(this.speed * this.overspeedFactor * 100) / 100 : 0,
      load: this.loadKg,
    };
  }

  private step(dt: number, now: number): void {
    this.kwh += (0.05 / 3600) * dt; // standby consumption
    if (this.phase === 'no_power') return;
    if (this.phase === 'stuck') {
      this.stuckLeft -= dt;
      if (this.stuckLeft <= 0) {
        // Rescue: move to the nearest floor and open.
        this.position = Math.round(this.position / this.floorHeight) * this.floorHeight;
        this.loadKg = 0;
        this.legs = [];
        this.setPhase('opening', DOOR_MOVE_S);
      }
      return;
    }
    const traffic = trafficAt(chinaHour(now));
    if (
      this.legs.length === 0 &&
      this.phase === 'idle' &&
      this.random() < (traffic.callsPerHour / 3600) * dt
    ) {
      this.newCall(traffic.downShare, traffic.upShare);
    }
    switch (this.phase) {
      case 'idle':
        if (this.legs.length > 0) this.startLeg();
        break;
      case 'moving': {
        const goal = (this.target - 1) * this.floorHeight;
        const delta = this.speed * this.overspeedFactor * dt;
        this.kwh += (0.0125 / this.floorHeight) * delta;
        if (Math.abs(goal - this.position) <= delta) {
          this.position = goal;
          this.setPhase('opening', DOOR_MOVE_S);
        } else {
          this.position += Math.sign(goal - this.position) * delta;
        }
        break;
      }
      case 'opening':
        if ((this.phaseLeft -= dt) <= 0) {
          const leg = this.legs.shift();
          if (leg)
            this.loadKg = leg.boarding ? this.loadKg + PASSENGER_KG * (1 + Math.floor(this.random() * 2)) : 0;
          this.setPhase('open', DOOR_OPEN_S);
        }
        break;
      case 'open':
        if ((this.phaseLeft -= dt) <= 0 && !this.doorStuck) this.setPhase('closing', DOOR_MOVE_S);
        break;
      case 'closing':
        if ((this.phaseLeft -= dt) <= 0) this.setPhase('idle', 0);
        break;
    }
  }

  private startLeg(): void {
    const leg = this.legs[0];
    if (!leg) return;
    const here = Math.round(this.position / this.floorHeight) + 1;
    if (leg.to === here) {
      this.setPhase('opening', DOOR_MOVE_S);
      return;
    }
    this.target = leg.to;
    this.trips++;
    this.setPhase('moving', 0);
  }

  private newCall(downShare: number, upShare: number): void {
    const r = this.random();
    const upper = 2 + Math.floor(this.random() * (this.floors - 1));
    if (r < downShare) this.call(upper, 1);
    else if (r < downShare + upShare) this.call(1, upper);
    else {
      const other = 2 + Math.floor(this.random() * (this.floors - 1));
      if (other !== upper) this.call(upper, other);
    }
  }

  private setPhase(phase: Phase, seconds: number): void {
    this.phase = phase;
    this.phaseLeft = seconds;
  }
}
