import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type Aedes,
  type AedesPublishPacket,
  type AuthenticateError,
  type Client,
  type PublishPacket,
} from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { IngestMetrics } from '../ingest/ingest-metrics';
import { IngestService } from '../ingest/ingest.service';
import { type ConfigCommand } from '../protocol/messages';
import { COMMAND_CHANNEL, deviceTopic, parseDeviceTopic, TOPIC_ROOT } from '../protocol/topics';
import { indexRetained, skipUnwatched } from './aedes-tuning';
import { readPublishesDirectly } from './direct-publish';
import { type BrokerIdentity, DeviceAuthService } from './device-auth.service';

// aedes >= 1.0 is ESM-only; Node >= 20.19 can require() it (under jest it is transpiled).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Aedes: AedesBroker } = require('aedes') as typeof import('aedes');

const identities = new WeakMap<Client, BrokerIdentity>();

/** One QoS 1 message of a connection, between being taken in and its PUBACK. */
interface AckSlot {
  messageId: number;
  settled: boolean;
}

/**
 * A connection's QoS 1 messages in arrival order. PUBACKs go out in that order (MQTT-4.6.0-2),
 * each once its message is committed; while `window` messages wait, the broker reads nothing
 * more from the connection (`blocked` holds aedes' callbacks).
 */
interface AckQueue {
  slots: AckSlot[];
  /** reading from the connection is paused (the window is full) */
  paused: boolean;
  /** aedes' callbacks of packets taken in while paused, released on resuming */
  blocked: Array<() => void>;
}

/**
 * aedes' read loop (aedes 1.2, lib/client.js): `_parsingBatch` counts the packets of the last read
 * still being handled and `_nextBatch` reads again when it reaches zero — but a `readable` event
 * also calls `_nextBatch`, so a held callback alone does not stop the reading. `pause()` does: it
 * makes `_nextBatch` return early, swallowing the callbacks that arrive meanwhile, so on resuming
 * the count is set to what is still held and a read is started once they are released.
 */
interface AedesReadLoop {
  _paused: boolean;
  _parsingBatch: number;
  _nextBatch(): void;
}

function pauseReading(client: Client): void {
  (client as unknown as AedesReadLoop)._paused = true;
}

function resumeReading(client: Client, held: ReadonlyArray<() => void>): void {
  const loop = client as unknown as AedesReadLoop;
  loop._paused = false;
  loop._parsingBatch = held.length + 1;
  for (const release of held) release();
  loop._nextBatch();
}

const ackQueues = new WeakMap<Client, AckQueue>();

/** A device's data (not its online flag, not a command): only platform-identity clients may watch it. */
function isTelemetryTopic(topic: string): boolean {
  const t = parseDeviceTopic(topic);
  return t !== null && t.channel !== 'online' && t.channel !== COMMAND_CHANNEL;
}

const ignore = (): void => undefined;

/** Runs `then` once ingest has taken a message in: at once, or when its back-pressure lets go. */
function whenQueued(queued: Promise<void> | null, then: () => void): void {
  if (queued) void queued.then(then);
  else then();
}

/** PUBACK with no reason code and no properties: valid in MQTT 3.1.1 and 5 alike. */
function pubackBytes(ids: readonly number[]): Buffer {
  const buf = Buffer.allocUnsafe(4 * ids.length);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    buf[4 * i] = 0x40;
    buf[4 * i + 1] = 0x02;
    buf[4 * i + 2] = id >> 8;
    buf[4 * i + 3] = id & 0xff;
  }
  return buf;
}

export interface BrokerAddresses {
  tcpPort: number;
  wsPort: number | null;
}

/**
 * The embedded MQTT broker (aedes) with device authentication and ACLs, and the in-process
 * hand-off to ingest. Devices' QoS 1 messages are acknowledged only after their rows are
 * committed, without making a device's next message wait for that commit:
 *
 * - `authorizePublish` hands the message to ingest and lets aedes go on as soon as it is queued
 *   for a batch, so the connection's next packets are read while this one commits;
 * - the PUBACK is written by this service, not by aedes: the packet is passed on as QoS 0 (aedes
 *   then sends nothing back; device topics have no QoS 1 subscribers to deliver to) and its
 *   PUBACK is written once its batch has committed — in the order the messages arrived (PUBACKs
 *   held behind an earlier uncommitted message go out together, in one write);
 * - once INGEST_DEVICE_WINDOW messages of one connection wait for commit, the broker reads
 *   nothing more from that device until acknowledgements go out (per-device back-pressure; the
 *   packets of the read under way are still taken in); INGEST_MAX_PENDING_ROWS bounds all
 *   devices together (ingest's admission).
 *
 * A connection that drops before its PUBACKs were written leaves its messages committed but
 * unacknowledged: the device sends them again and the tables' keys absorb the copies.
 */
@Injectable()
export class EmbeddedBrokerService {
  private readonly logger = new Logger(EmbeddedBrokerService.name);
  private broker: Aedes | null = null;
  private tcp: Server | null = null;
  private http: HttpServer | null = null;
  private wss: WebSocketServer | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly auth: DeviceAuthService,
    private readonly ingest: IngestService,
    private readonly metrics: IngestMetrics,
  ) {}

  get running(): boolean {
    return this.broker !== null && !this.broker.closed;
  }

  get connectedClients(): number {
    return this.broker?.connectedClients ?? 0;
  }

  async start(
    tcpPort = this.config.mqtt.port,
    wsPort: number | null = this.config.mqtt.wsPort || null,
  ): Promise<BrokerAddresses> {
    const broker = await AedesBroker.createBroker({
      id: 'liftwatch',
      heartbeatInterval: 60_000,
      connectTimeout: 30_000,
      authenticate: (client, username, password, done) => {
        void this.auth
          .authenticate(
            client.id,
            username ?? undefined,
            password?.toString('utf8'),
            peer(client).remoteAddress,
          )
          .then((d) => {
            if (d.ok) {
              identities.set(client, d.identity);
              done(null, true);
              return;
            }
            this.ingest.countConnectionRejection(
              d.throttled ? 'auth_throttled' : 'auth_failed',
              peer(client),
              d.reason,
            );
            const err = new Error(d.reason) as AuthenticateError;
            err.returnCode = 4; // bad user name or password
            done(err, null);
          });
      },
      authorizePublish: (client, packet, done) => this.onPublish(client, packet, done),
      authorizeSubscribe: (client, sub, done) => {
        const identity = identities.get(client);
        if (identity && this.auth.maySubscribe(identity, sub.topic)) return done(null, sub);
        done(null, null); // SUBACK failure code, connection stays up
      },
    });
    indexRetained(broker);
    const watchers = new Set<Client>();
    skipUnwatched(broker, isTelemetryTopic, () => watchers.size);
    broker.on('client', (client) => {
      const identity = identities.get(client);
      if (identity?.kind === 'platform') watchers.add(client);
      else if (identity && (client.version === 3 || client.version === 4)) {
        // A device's own telemetry skips aedes' packet path while nobody watches it (the topic
        // checks are the ones `onPublish` makes; anything else goes through aedes as before).
        // Installed once aedes has handled the packets that came before CONNACK ('client' is
        // emitted earlier, while they still wait): their acknowledgements must go out first.
        client.once('connected', () =>
          readPublishesDirectly(client, (topicName, payload, qos, messageId, done) => {
            if (watchers.size > 0) return false;
            const topic = parseDeviceTopic(topicName);
            if (!topic || topic.serial !== identity.serial || topic.channel === 'online') return false;
            if (topic.channel === COMMAND_CHANNEL) return false;
            this.takeIn(client, topic.serial, topic.channel, payload, qos, messageId, done);
            return true;
          }),
        );
      }
      this.metrics.brokerClients.set(broker.connectedClients);
    });
    broker.on('clientDisconnect', (client) => {
      watchers.delete(client);
      this.metrics.brokerClients.set(broker.connectedClients);
      this.onDisconnect(client);
    });
    broker.on('clientError', (client, err) => this.logger.debug(`client ${client.id}: ${err.message}`));
    broker.on('connectionError', (client, err) =>
      this.logger.debug(`connection ${client?.id ?? '?'}: ${err.message}`),
    );
    // Online flags and Last Will messages (published by the broker itself on an unclean
    // disconnect) are low-volume, so an in-process subscription is fine for them.
    await new Promise<void>((resolve) =>
      broker.subscribe(`${TOPIC_ROOT}/+/online`, (packet, cb) => this.onOnlineFlag(packet, cb), resolve),
    );
    this.broker = broker;

    this.tcp = createServer((socket) => broker.handle(socket));
    const tcpBound = await listen(this.tcp, tcpPort, this.config.mqtt.host);
    let wsBound: number | null = null;
    if (wsPort !== null) {
      this.http = createHttpServer((_req, res) => res.writeHead(426).end('MQTT over WebSocket only\n'));
      this.wss = new WebSocketServer({ server: this.http });
      this.wss.on('connection', (ws, req) => broker.handle(createWebSocketStream(ws), req));
      wsBound = await listen(this.http, wsPort, this.config.mqtt.host);
    }
    this.logger.log(`embedded MQTT broker on tcp ${tcpBound}${wsBound ? `, websocket ${wsBound}` : ''}`);
    return { tcpPort: tcpBound, wsPort: wsBound };
  }

  /** Sends a command to a device (QoS 1, not retained). */
  publishCommand(serial: string, command: ConfigCommand): Promise<void> {
    const broker = this.broker;
    if (!broker) return Promise.reject(new Error('embedded broker is not running'));
    const packet = {
      cmd: 'publish',
      topic: deviceTopic(serial, 'cmd'),
      payload: Buffer.from(JSON.stringify(command)),
      qos: 1,
      retain: false,
      dup: false,
    } as PublishPacket;
    return new Promise((resolve, reject) => broker.publish(packet, (err) => (err ? reject(err) : resolve())));
  }

  /** Closes a device's connection (after its secret was rotated or it was revoked). */
  disconnect(serial: string): void {
    const clients = (this.broker as unknown as { clients?: Record<string, Client | undefined> } | null)
      ?.clients;
    clients?.[serial]?.close();
  }

  async stop(): Promise<void> {
    // Listeners first, then clients, then the broker: closing aedes under load with clients
    // still attached is where it has crashed before (aedes#193).
    await Promise.all([
      closeServer(this.tcp),
      this.wss ? new Promise((r) => this.wss?.close(r)) : null,
      closeServer(this.http),
    ]);
    const broker = this.broker;
    this.broker = null;
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
  }

  private onPublish(client: Client | null, packet: PublishPacket, done: (err?: Error | null) => void): void {
    if (!client) return done(null); // the broker's own publications (Last Will)
    const identity = identities.get(client);
    if (!identity || !this.auth.mayPublish(identity, packet.topic)) {
      this.ingest.countConnectionRejection('acl_denied', peer(client), `publish to ${packet.topic}`);
      return done(new Error('not authorized')); // MQTT 3.1.1 has no PUBACK error: aedes disconnects
    }
    const topic = parseDeviceTopic(packet.topic);
    if (identity.kind === 'platform' || !topic || topic.channel === 'online') return done(null);
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const { qos, messageId } = packet;
    if (qos === 1 && messageId !== undefined) packet.qos = 0; // the PUBACK is ours to send (see above)
    this.takeIn(client, topic.serial, topic.channel, payload, qos, messageId, done);
  }

  /** Hands a device's message to ingest; `done` lets the broker read on once it is queued. */
  private takeIn(
    client: Client,
    serial: string,
    channel: string,
    payload: Buffer,
    qos: number,
    messageId: number | undefined,
    done: (err?: Error | null) => void,
  ): void {
    const receivedAt = Date.now();
    if (qos === 0) {
      // nothing to acknowledge: taken in is enough
      return whenQueued(this.ingest.accept(serial, channel, payload, receivedAt, ignore), () => done(null));
    }
    if (qos !== 1 || messageId === undefined) {
      // QoS 2 (not used by the protocol) keeps aedes' own flow, released after commit
      void this.ingest.accept(serial, channel, payload, receivedAt, () => done(null));
      return;
    }
    let queue = ackQueues.get(client);
    if (!queue) ackQueues.set(client, (queue = { slots: [], paused: false, blocked: [] }));
    const q = queue;
    const slot: AckSlot = { messageId, settled: false };
    q.slots.push(slot);
    if (q.slots.length >= this.config.ingest.deviceWindow && !q.paused) {
      q.paused = true;
      pauseReading(client);
    }
    const queued = this.ingest.accept(serial, channel, payload, receivedAt, () => {
      slot.settled = true;
      // Written at once, not gathered per commit: one write per connection per commit measured
      // ~20 ms more publish → commit at p50 from mqtt.js devices (Nagle's algorithm on their side
      // holds their next message until our segment acknowledges the last; docs/benchmarks.md).
      this.sendAcks(client, q);
    });
    whenQueued(queued, () => {
      if (q.paused) q.blocked.push(() => done(null));
      else done(null);
    });
  }

  /** Writes the PUBACKs of the settled messages at the head of the queue, in one write. */
  private sendAcks(client: Client, queue: AckQueue): void {
    const { slots } = queue;
    let n = 0;
    while (n < slots.length && slots[n].settled) n++;
    if (n === 0) return;
    const ids = slots.splice(0, n).map((s) => s.messageId);
    const conn = client.conn as unknown as { destroyed?: boolean; write(b: Buffer): boolean };
    if (client.connected && !conn.destroyed) conn.write(pubackBytes(ids));
    if (queue.paused && slots.length < this.config.ingest.deviceWindow) {
      queue.paused = false;
      resumeReading(client, queue.blocked.splice(0));
    }
  }

  private onOnlineFlag(packet: AedesPublishPacket, cb: () => void): void {
    const topic = parseDeviceTopic(packet.topic);
    if (!topic) return cb();
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    // Release the broker at once: holding mqemitter's concurrency slots until commit queues every
    // other message behind them, and draining that queue recurses until the stack overflows
    // (seen with 10 000 devices connecting; aedes#193). An online flag needs no commit-ack.
    cb();
    void this.ingest.ingest(topic.serial, 'online', payload);
  }

  private onDisconnect(client: Client): void {
    const identity = identities.get(client);
    // A clean DISCONNECT publishes no Last Will; mark the device offline unless it has already
    // reconnected (session take-over leaves the new client registered under the same id).
    if (identity?.kind !== 'device' || !this.broker) return;
    const registered = (this.broker as unknown as { clients: Record<string, Client | undefined> }).clients[
      client.id
    ];
    if (registered && registered !== client) return;
    void this.ingest.ingest(identity.serial, 'online', Buffer.from('{"online":false}'));
  }
}

/** The client id and remote address of a connection, for refusal logs. */
function peer(client: Client): { clientId: string; remoteAddress?: string } {
  const socket = client.req?.socket ?? (client.conn as { remoteAddress?: string });
  return { clientId: client.id || '', remoteAddress: socket.remoteAddress };
}

function listen(server: Server | HttpServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

function closeServer(server: Server | HttpServer | null): Promise<void> {
  if (!server?.listening) return Promise.resolve();
  return new Promise((resolve) => server.close(() => resolve()));
}
