import {
  type ControllerOptions,
  type ControllerStats,
  emptyControllerStats,
  SimulatedController,
} from './controller';
import { type DeviceCredentials } from './provision';

/** `visit` is not a fault: a technician's maintenance visit (inspection mode for the duration). */
export type FaultKind = 'entrapment' | 'door' | 'power' | 'overspeed' | 'drop' | 'visit';

/** `kind:device@atSeconds+durationSeconds`, e.g. `entrapment:0@10+120`; device `*` = all. */
export interface FaultPlan {
  kind: FaultKind;
  device: number | 'all';
  atS: number;
  durationS: number;
}

export function parseFault(spec: string): FaultPlan {
  const m = /^(entrapment|door|power|overspeed|drop|visit):(\d+|\*)@(\d+(?:\.\d+)?)\+(\d+(?:\.\d+)?)$/.exec(
    spec,
  );
  if (!m) throw new Error(`bad fault "${spec}": use kind:device@at+duration, e.g. entrapment:0@10+120`);
  return {
    kind: m[1] as FaultKind,
    device: m[2] === '*' ? 'all' : Number(m[2]),
    atS: Number(m[3]),
    durationS: Number(m[4]),
  };
}

export interface FleetOptions {
  url: string;
  devices: DeviceCredentials[];
  qos?: 0 | 1;
  statusIntervalMs?: number;
  heartbeatIntervalMs?: number;
  meterIntervalMs?: number;
  faults?: FaultPlan[];
  /** each controller's energy register at start, by serial (continues a meter's history) */
  meterKwh?: ReadonlyMap<string, number>;
  /** connections opened at once while starting */
  connectConcurrency?: number;
  controller?: Partial<ControllerOptions>;
}

export interface FleetStartReport {
  connected: number;
  /** Controllers the broker refused, with its reason; they stay off. */
  failed: Array<{ serial: string; error: string }>;
}

export interface FleetSummary {
  devices: number;
  connected: number;
  totals: ControllerStats;
}

/** Runs simulated controllers as real MQTT clients. Usable from tests and the benchmark. */
export class Fleet {
  readonly controllers: SimulatedController[];
  private faultTimers: NodeJS.Timeout[] = [];

  constructor(private readonly o: FleetOptions) {
    this.controllers = o.devices.map(
      (d) =>
        new SimulatedController({
          url: o.url,
          serial: d.serial,
          secret: d.secret,
          floors: d.floors,
          qos: o.qos ?? 1,
          statusIntervalMs: o.statusIntervalMs,
          heartbeatIntervalMs: o.heartbeatIntervalMs,
          meterIntervalMs: o.meterIntervalMs,
          meterKwh: o.meterKwh?.get(d.serial),
          ...o.controller,
        }),
    );
  }

  /**
   * Connects every controller. Never rejects: a controller the broker refuses (a rotated secret,
   * a revoked device) stays off and is listed in the result, the others run.
   */
  async start(onProgress?: (connected: number) => void): Promise<FleetStartReport> {
    const concurrency = this.o.connectConcurrency ?? 200;
    let next = 0;
    let connected = 0;
    const failed: FleetStartReport['failed'] = [];
    const worker = async (): Promise<void> => {
      while (next < this.controllers.length) {
        const c = this.controllers[next++];
        try {
          await c.start();
          connected++;
          onProgress?.(connected);
        } catch (err) {
          failed.push({ serial: c.serial, error: err instanceof Error ? err.message : String(err) });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, this.controllers.length) }, worker));
    for (const f of this.o.faults ?? []) this.schedule(f);
    return { connected, failed };
  }

  summary(): FleetSummary {
    const totals = emptyControllerStats();
    for (const c of this.controllers) {
      for (const k of Object.keys(totals) as Array<keyof ControllerStats>) totals[k] += c.stats[k];
    }
    return {
      devices: this.controllers.length,
      connected: this.controllers.filter((c) => c.connected).length,
      totals,
    };
  }

  async stop(): Promise<void> {
    for (const t of this.faultTimers) clearTimeout(t);
    await Promise.all(this.controllers.map((c) => c.stop()));
  }

  private schedule(f: FaultPlan): void {
    const targets =
      f.device === 'all' ? this.controllers : [this.controllers[f.device]].filter((c) => c !== undefined);
    const t = setTimeout(() => {
      for (const c of targets) {
        switch (f.kind) {
          case 'entrapment':
            c.injectEntrapment(f.durationS);
            break;
          case 'door':
            c.injectDoorFault(f.durationS);
            break;
          case 'power':
            c.injectPowerLoss(f.durationS);
            break;
          case 'overspeed':
            c.injectOverspeed(f.durationS);
            break;
          case 'drop':
            void c.dropConnection(f.durationS * 1000);
            break;
          case 'visit':
            void c.maintenanceVisit(f.durationS);
            break;
        }
      }
    }, f.atS * 1000);
    this.faultTimers.push(t);
  }
}
