import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { type LiveStateRow } from '../ingest/telemetry-write.repository';
import { FLEET_STATUSES, type FleetStatus } from './fleet-statuses';

/** The latest known state of one elevator, as sent to dashboards and returned by REST. */
export class LiveState {
  @ApiProperty({ format: 'uuid' }) elevatorId!: string;
  @ApiProperty({ format: 'uuid' }) deviceId!: string;
  @ApiProperty({ description: 'device time of the newest status sample', nullable: true, type: String })
  ts!: string | null;
  @ApiProperty({ nullable: true, type: Number }) seq!: number | null;
  @ApiProperty({ nullable: true, type: Boolean }) running!: boolean | null;
  @ApiProperty({ nullable: true, type: Number, description: '0 none, 1 up, 2 down' }) direction!:
    number | null;
  @ApiProperty({ nullable: true, type: Number }) floor!: number | null;
  @ApiProperty({ nullable: true, type: Boolean }) doorZone!: boolean | null;
  @ApiProperty({ nullable: true, type: Boolean }) doorClosed!: boolean | null;
  @ApiProperty({ nullable: true, type: Boolean }) passenger!: boolean | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description:
      '0 out of service, 1 normal, 2 inspection, 3 fire return, 4 firefighter, 5 emergency power, 6 earthquake, 7 unknown',
  })
  mode!: number | null;
  @ApiProperty({ nullable: true, type: Number }) speedMps!: number | null;
  @ApiProperty({ nullable: true, type: Number }) loadKg!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'energy meter register, kWh' }) kwh!:
    number | null;
  @ApiProperty() online!: boolean;
  @ApiProperty({ nullable: true, type: String }) onlineChangedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastSeenAt!: string | null;
  @ApiProperty({
    enum: FLEET_STATUSES,
    nullable: true,
    description:
      'what a dispatcher sees: trapped, offline, fault (an open fault alarm), inspection, out_of_service, running or idle',
  })
  status!: FleetStatus | null;

  /** An elevator whose controller has never reported. */
  static none(elevatorId: string): LiveState {
    return {
      elevatorId,
      deviceId: '',
      ts: null,
      seq: null,
      running: null,
      direction: null,
      floor: null,
      doorZone: null,
      doorClosed: null,
      passenger: null,
      mode: null,
      speedMps: null,
      loadKg: null,
      kwh: null,
      online: false,
      onlineChangedAt: null,
      lastSeenAt: null,
      status: null,
    };
  }

  static of(r: LiveStateRow): LiveState {
    const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
    return {
      elevatorId: r.elevator_id,
      deviceId: r.device_id,
      ts: iso(r.ts),
      seq: r.seq === null ? null : Number(r.seq),
      running: r.running,
      direction: r.direction,
      floor: r.floor,
      doorZone: r.door_zone,
      doorClosed: r.door_closed,
      passenger: r.passenger,
      mode: r.mode,
      speedMps: r.speed_mps,
      loadKg: r.load_kg,
      kwh: r.kwh === null ? null : Number(r.kwh),
      online: r.online,
      onlineChangedAt: iso(r.online_changed_at),
      lastSeenAt: iso(r.last_seen_at),
      status: null,
    };
  }
}

/**
 * Carries committed live-state changes from ingest to the socket.io gateway, in process. The
 * gateway never sees raw device traffic, only states that are already in the database.
 */
@Injectable()
export class LiveStateBus {
  private readonly emitter = new EventEmitter().setMaxListeners(100);
  private enricher: (s: LiveState) => LiveState = (s) => s;

  /** Lets another module fill in what it knows (the alarms module: `status`). */
  setEnricher(enrich: (s: LiveState) => LiveState): void {
    this.enricher = enrich;
  }

  /** States as subscribers and snapshots show them. */
  enrich(states: LiveState[]): LiveState[] {
    return states.map((s) => this.enricher(s));
  }

  /**
   * `relayed`: every api process learns of these states on its own (committed by an ingest process,
   * announced through the database); otherwise only this process knows them and the gateway shares
   * them with the other replicas.
   */
  publish(states: LiveState[], relayed = false): void {
    if (states.length > 0) this.emitter.emit('states', this.enrich(states), relayed);
  }

  subscribe(listener: (states: LiveState[], relayed: boolean) => void): () => void {
    this.emitter.on('states', listener);
    return () => this.emitter.off('states', listener);
  }
}

/**
 * Remembers the last state sent per elevator and says whether a new one differs in anything a
 * dashboard shows — every field but the ones each sample or heartbeat moves by itself (`ts`,
 * `seq`, `lastSeenAt`; a client that needs them reads REST). An idle elevator reporting every
 * second the same floor with its doors closed costs the sockets nothing; one that moves, opens,
 * goes offline or changes status is sent at once.
 */
export class LiveStateChanges {
  private readonly last = new Map<string, LiveState>();

  changed(s: LiveState): boolean {
    const before = this.last.get(s.elevatorId);
    this.last.set(s.elevatorId, s);
    if (!before) return true;
    for (const key of SHOWN_FIELDS) if (before[key] !== s[key]) return true;
    return false;
  }
}

/** The fields of a LiveState a change of which is pushed (all primitives). */
const SHOWN_FIELDS = (Object.keys(LiveState.none('')) as Array<keyof LiveState>).filter(
  (k) => k !== 'lastSeenAt' && k !== 'ts' && k !== 'seq',
);
