import { EventEmitter } from 'node:events';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { mqttTargets } from '@liftwatch/config';
import { ElevatorModel, type ElevatorSnapshot } from './elevator-model';

export type Channel = 'status' | 'event' | 'meter' | 'heartbeat' | 'batch' | 'online';

export interface ControllerOptions {
  /** mqtt://host:port or ws://host:port */
  url: string;
  serial: string;
  secret: string;
  floors: number;
  ratedSpeedMps?: number;
  qos?: 0 | 1;
  // Publishing periods; 0 turns that publisher off. A long period is not "off": the first message
  // goes out at a random moment within one period (a fleet is spread out) and takes the next
  // sequence number like every message, so tests that count one channel's sequence numbers use 0.
  /** status sample period; the model is advanced at each sample */
  statusIntervalMs?: number;
  heartbeatIntervalMs?: number;
  meterIntervalMs?: number;
  /** local buffer for offline periods; the oldest items are dropped beyond it (and counted) */
  bufferLimit?: number;
  /** items per replay batch message */
  replayBatchSize?: number;
  /** report faults as events too (retrofit kits do; some controllers only report status) */
  reportEvents?: boolean;
  /** false: publish only when driven (sampleStatus…), no periodic timers (benchmark) */
  periodic?: boolean;
  /** the energy meter's register at start (kWh); random when not given */
  meterKwh?: number;
  /** extra mqtt.js options (tests) */
  mqtt?: Partial<IClientOptions>;
  now?: () => number;
}

export interface ControllerStats {
  published: number;
  acked: number;
  buffered: number;
  replayed: number;
  droppedFromBuffer: number;
  publishErrors: number;
  connects: number;
}

export function emptyControllerStats(): ControllerStats {
  return {
    published: 0,
    acked: 0,
    buffered: 0,
    replayed: 0,
    droppedFromBuffer: 0,
    publishErrors: 0,
    connects: 0,
  };
}

export interface BufferedItem {
  ch: 'status' | 'event' | 'meter';
  [k: string]: unknown;
}

/**
 * A simulated retrofit controller: a real MQTT client speaking protocol v1 for one elevator.
 * Publishes status samples, heartbeats, meter readings and events; keeps a retained online flag
 * with a Last Will; buffers while disconnected and replays the buffer in `batch` messages with
 * the original timestamps and sequence numbers when it is back.
 */
export class SimulatedController extends EventEmitter {
  readonly model: ElevatorModel;
  readonly stats: ControllerStats = emptyControllerStats();
  private client: MqttClient | null = null;
  private seq = 0;
  private buffer: BufferedItem[] = [];
  /** Sent but not yet acknowledged: re-buffered if the connection is torn down under them. */
  private unacked = new Map<number, BufferedItem[]>();
  private sendId = 0;
  /** Fault clearances and other one-off timers. */
  private timers: NodeJS.Timeout[] = [];
  /** The periodic publishers (restarted when a config command changes their periods). */
  private periodicTimers: NodeJS.Timeout[] = [];
  private offline = false;
  private meterId: string;
  private meterOffset = 0;
  private readonly now: () => number;
  private readonly o: Required<Omit<ControllerOptions, 'mqtt' | 'now' | 'ratedSpeedMps' | 'meterKwh'>> &
    ControllerOptions;

  constructor(options: ControllerOptions) {
    super();
    this.o = {
      qos: 1,
      statusIntervalMs: 1000,
      heartbeatIntervalMs: 30_000,
      meterIntervalMs: 60_000,
      bufferLimit: 50_000,
      replayBatchSize: 500,
      reportEvents: true,
      periodic: true,
      // An option passed as undefined keeps its default.
      ...(Object.fromEntries(
        Object.entries(options).filter(([, v]) => v !== undefined),
      ) as ControllerOptions),
    };
    this.now = options.now ?? Date.now;
    this.model = new ElevatorModel(
      { floors: options.floors, ratedSpeedMps: options.ratedSpeedMps },
      options.meterKwh,
    );
    this.meterId = `M-${options.serial}`;
  }

  get serial(): string {
    return this.o.serial;
  }

  /** Messages sent and not yet acknowledged by the broker. */
  get inFlight(): number {
    return this.unacked.size;
  }

  /** Messages held while disconnected, to be replayed on the next connection. */
  get buffered(): number {
    return this.buffer.length;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  topic(channel: Channel | 'cmd'): string {
    return `lw/v1/${this.o.serial}/${channel}`;
  }

  /** Connects and starts the periodic publishers. Resolves on the first CONNACK. */
  async start(): Promise<void> {
    await this.connect();
    if (!this.o.periodic) return;
    this.every(this.o.statusIntervalMs, () => this.sampleStatus());
    this.every(this.o.heartbeatIntervalMs, () =>
      this.publish('heartbeat', { uptime: Math.round(process.uptime()) }),
    );
    this.every(this.o.meterIntervalMs, () => this.publishMeter());
  }

  /** Publishes one status sample now (the benchmark drives this directly). */
  sampleStatus(): void {
    const now = this.now();
    this.model.advance(now);
    this.publish('status', { ...this.model.snapshot() }, now);
  }

  /**
   * Publishes a status sample with the given fields (the benchmark's "busy fleet": flags that
   * change on every sample). Buffered and replayed like any sample.
   */
  publishStatus(fields: ElevatorSnapshot, ts = this.now()): void {
    this.publish('status', { ...fields }, ts);
  }

  publishMeter(): void {
    this.publish('meter', {
      kwh: Math.round((this.model.energyKwh - this.meterOffset) * 1000) / 1000,
      meterId: this.meterId,
    });
  }

  /** Replaces the energy meter: a new meter id whose register starts near zero. */
  replaceMeter(): void {
    this.meterId = `M-${this.o.serial}-${this.now()}`;
    this.meterOffset = this.model.energyKwh - 0.5;
  }

  event(code: string, state: 'set' | 'clear' | 'pulse', detail?: Record<string, unknown>): void {
    this.publish('event', detail ? { code, state, detail } : { code, state });
  }

  /** Traps passengers between floors for `seconds`, reporting code 11 set and clear. */
  injectEntrapment(seconds: number): void {
    this.model.entrap(seconds);
    this.sampleStatus();
    if (this.o.reportEvents) this.event('11', 'set', { floor: this.model.snapshot().floor });
    const t = setTimeout(
      () => {
        this.model.advance(this.now());
        this.sampleStatus();
        if (this.o.reportEvents) this.event('11', 'clear');
      },
      seconds * 1000 + 50,
    );
    this.timers.push(t);
  }

  /**
   * A maintenance visit: the technician puts the car in inspection mode (service mode 2, event 43)
   * for `seconds`, with a status sample at the start and the end, then back to normal (event 40).
   * Resolves when the visit is over.
   */
  async maintenanceVisit(seconds: number): Promise<void> {
    this.model.setInspection(true);
    if (this.o.reportEvents) this.event('43', 'set');
    this.sampleStatus();
    await new Promise((r) => {
      this.timers.push(setTimeout(r, seconds * 1000));
    });
    this.sampleStatus();
    this.model.setInspection(false);
    if (this.o.reportEvents) {
      this.event('43', 'clear');
      this.event('40', 'pulse');
    }
    this.sampleStatus();
  }

  injectDoorFault(seconds: number): void {
    this.model.setDoorStuck(true);
    if (this.o.reportEvents) this.event('02', 'set');
    this.timers.push(
      setTimeout(() => {
        this.model.setDoorStuck(false);
        if (this.o.reportEvents) this.event('02', 'clear');
      }, seconds * 1000),
    );
  }

  injectPowerLoss(seconds: number): void {
    this.model.powerLoss(true);
    if (this.o.reportEvents) this.event('41', 'set');
    this.sampleStatus();
    this.timers.push(
      setTimeout(() => {
        this.model.powerLoss(false);
        if (this.o.reportEvents) {
          this.event('41', 'clear');
          this.event('40', 'pulse');
        }
      }, seconds * 1000),
    );
  }

  injectOverspeed(seconds: number, factor = 1.3): void {
    this.model.setOverspeed(factor);
    this.model.call(1, 2);
    if (this.o.reportEvents) this.event('OVERSPEED', 'set', { factor });
    this.timers.push(
      setTimeout(() => {
        this.model.setOverspeed(1);
        if (this.o.reportEvents) this.event('OVERSPEED', 'clear');
      }, seconds * 1000),
    );
  }

  /**
   * Loses the connection for `ms` without a clean DISCONNECT (the broker publishes the Last
   * Will), buffers everything meanwhile, then reconnects and replays the buffer.
   */
  async dropConnection(ms: number): Promise<void> {
    this.offline = true;
    const client = this.client;
    this.client = null;
    client?.end(true);
    // What was in flight may or may not have arrived: send it again (the platform stores it once).
    const inFlight = [...this.unacked.values()].flat();
    this.unacked.clear();
    this.buffer.unshift(...inFlight.sort((a, b) => Number(a.seq) - Number(b.seq)));
    this.stats.buffered += inFlight.length;
    await new Promise((r) => setTimeout(r, ms));
    this.offline = false;
    await this.connect();
  }

  /** Stops publishing, clears the online flag and disconnects cleanly. */
  async stop(): Promise<void> {
    for (const t of [...this.timers, ...this.periodicTimers]) clearTimeout(t);
    this.timers = [];
    this.periodicTimers = [];
    const client = this.client;
    this.client = null;
    if (!client) return;
    if (client.connected) {
      await client
        .publishAsync(this.topic('online'), JSON.stringify({ online: false, ts: this.now() }), {
          qos: 1,
          retain: true,
        })
        .catch(() => undefined);
    }
    // A clean end waits for in-flight messages; never wait long for a broker that will not answer.
    await Promise.race([
      client.endAsync(!client.connected).catch(() => undefined),
      new Promise((r) => setTimeout(r, 2000)),
    ]);
    if (!client.disconnected) client.end(true);
  }

  /** Publishes a raw payload on any topic (tests: malformed or foreign messages). */
  publishRaw(topic: string, payload: string | Buffer, qos: 0 | 1 = 1): Promise<void> {
    const client = this.client;
    if (!client) return Promise.reject(new Error('not connected'));
    return client.publishAsync(topic, payload, { qos }).then(() => undefined);
  }

  /** The last sequence number used (every sample and event carries the next one). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Next sequence number (exposed so tests can craft replays). */
  nextSeq(): number {
    return ++this.seq;
  }

  private publish(
    channel: 'status' | 'event' | 'meter' | 'heartbeat',
    body: Record<string, unknown>,
    ts = this.now(),
  ): void {
    const message = { seq: this.nextSeq(), ts, ...body };
    const client = this.client;
    if (!client || this.offline || !client.connected) {
      if (channel === 'heartbeat') return; // a heartbeat is about now; no point replaying it
      this.buffer.push({ ch: channel, ...message });
      this.stats.buffered++;
      if (this.buffer.length > this.o.bufferLimit) {
        this.buffer.shift();
        this.stats.droppedFromBuffer++;
      }
      return;
    }
    this.send(
      client,
      this.topic(channel),
      message,
      channel === 'heartbeat' ? [] : [{ ch: channel, ...message }],
    );
  }

  private send(client: MqttClient, topic: string, message: object, items: BufferedItem[]): void {
    this.stats.published++;
    const id = ++this.sendId;
    if (this.o.qos === 1 && items.length > 0) this.unacked.set(id, items);
    client.publish(topic, JSON.stringify(message), { qos: this.o.qos }, (err) => {
      this.unacked.delete(id);
      if (err) this.stats.publishErrors++;
      else this.stats.acked++;
      // what the broker acknowledged (QoS 1): the items and their sequence numbers
      this.emit('ack', err ? [] : items);
    });
  }

  private connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      // a comma-separated list: the nodes of a broker cluster, tried in turn (mqtt.js `servers`)
      const { url, servers } = mqttTargets(this.o.url);
      const client = connect(url, {
        servers,
        clientId: this.o.serial,
        username: this.o.serial,
        password: this.o.secret,
        clean: true,
        keepalive: 30,
        reconnectPeriod: 1000,
        connectTimeout: 10_000,
        will: { topic: this.topic('online'), payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
        ...this.o.mqtt,
      });
      this.client = client;
      let first = true;
      client.on('connect', () => {
        this.stats.connects++;
        client.publish(this.topic('online'), JSON.stringify({ online: true, ts: this.now() }), {
          qos: 1,
          retain: true,
        });
        client.subscribe(this.topic('cmd'), { qos: 1 });
        this.replay(client);
        if (first) {
          first = false;
          resolve();
        }
      });
      client.on('message', (topic, payload) => this.onCommand(topic, payload.toString()));
      client.on('error', (err) => {
        this.emit('mqtt-error', err);
        if (first) {
          first = false;
          client.end(true);
          reject(err);
        }
      });
    });
  }

  /** Applies a `config` command (new publishing periods) and re-emits it as `command`. */
  private onCommand(topic: string, text: string): void {
    this.emit('command', topic, text);
    let cmd: { cmd?: unknown; statusIntervalS?: unknown; heartbeatIntervalS?: unknown };
    try {
      cmd = JSON.parse(text) as typeof cmd;
    } catch {
      return;
    }
    if (cmd.cmd !== 'config' || !this.o.periodic) return;
    if (typeof cmd.statusIntervalS === 'number') this.o.statusIntervalMs = cmd.statusIntervalS * 1000;
    if (typeof cmd.heartbeatIntervalS === 'number')
      this.o.heartbeatIntervalMs = cmd.heartbeatIntervalS * 1000;
    this.restartTimers();
  }

  private restartTimers(): void {
    for (const t of this.periodicTimers) clearTimeout(t);
    this.periodicTimers = [];
    this.every(this.o.statusIntervalMs, () => this.sampleStatus());
    this.every(this.o.heartbeatIntervalMs, () =>
      this.publish('heartbeat', { uptime: Math.round(process.uptime()) }),
    );
    this.every(this.o.meterIntervalMs, () => this.publishMeter());
  }

  private replay(client: MqttClient): void {
    while (this.buffer.length > 0) {
      const items = this.buffer.splice(0, this.o.replayBatchSize);
      this.stats.replayed += items.length;
      this.send(client, this.topic('batch'), { items }, items);
    }
  }

  private every(ms: number, fn: () => void): void {
    if (!(ms > 0) || !Number.isFinite(ms)) return; // 0: this publisher is off
    // Spread devices over the period so a fleet does not publish in lock-step.
    const first = setTimeout(
      () => {
        fn();
        this.periodicTimers.push(setInterval(fn, ms));
      },
      Math.floor(Math.random() * ms),
    );
    this.periodicTimers.push(first);
  }
}
