import { hostname } from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { connect, type IPublishPacket, type MqttClient, type Packet } from 'mqtt';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { IngestService, whenQueued } from '../ingest/ingest.service';
import { INGEST_TOPIC_FILTER, parseDeviceTopic } from '../protocol/topics';

type SendPacket = (
  packet: Packet,
  cb?: (err?: Error) => void,
  cbStorePut?: () => void,
  noStore?: boolean,
) => void;

/** A QoS 1 message received: its PUBACK goes out once it is settled and every earlier one has. */
interface AckSlot {
  messageId: number;
  settled: boolean;
  /** mqtt.js' PUBACK for it, once mqtt.js has asked to send it */
  send: (() => void) | null;
}

const ignore = (): void => undefined;

/**
 * The ingest role on an external broker (EMQX, Mosquitto, VerneMQ): a shared subscription
 * `$share/{group}/lw/v1/+/+` spreads devices over several ingest workers, and a persistent
 * session (clean: false) makes the broker redeliver what an ingest worker had not acknowledged
 * when it died.
 *
 * mqtt.js handles incoming messages one at a time and sends the PUBACK when `handleMessage`
 * calls back, so holding the callback until commit would serialise ingest to one message per
 * batch. Instead `handleMessage` returns once the message is queued for a batch and the PUBACK
 * itself is held back until the message's rows are committed, then sent in the order the
 * messages arrived (MQTT-4.6.0-2).
 */
@Injectable()
export class ExternalBrokerConsumer {
  private readonly logger = new Logger(ExternalBrokerConsumer.name);
  private client: MqttClient | null = null;
  /** QoS 1 messages in arrival order, until their PUBACK is sent */
  private readonly acks: AckSlot[] = [];
  /** slots whose PUBACK mqtt.js has not asked to send yet, by message id */
  private readonly awaitingPuback = new Map<number, AckSlot>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ingest: IngestService,
  ) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  async start(url = this.config.mqtt.url): Promise<void> {
    if (!url) throw new Error('MQTT_URL is not set');
    const group = this.config.mqtt.sharedGroup;
    const client = connect(url, {
      // Stable across restarts: the broker keeps this worker's session (and what it had not
      // acknowledged) and hands it back when the worker reconnects.
      clientId: this.config.mqtt.clientId ?? `liftwatch-${group}-${hostname()}`.slice(0, 64),
      username: this.config.mqtt.username,
      password: this.config.mqtt.password,
      clean: this.config.mqtt.cleanSession,
      reconnectPeriod: 2000,
      keepalive: 30,
    });
    const internals = client as unknown as { _sendPacket: SendPacket };
    const send: SendPacket = internals._sendPacket.bind(client);
    (client as unknown as { _sendPacket: SendPacket })._sendPacket = (packet, cb, cbStorePut, noStore) => {
      const slot =
        packet.cmd === 'puback' && packet.messageId !== undefined
          ? this.awaitingPuback.get(packet.messageId)
          : undefined;
      if (!slot) return send(packet, cb, cbStorePut, noStore);
      this.awaitingPuback.delete(slot.messageId);
      slot.send = () => send(packet, undefined, cbStorePut, noStore);
      cb?.(); // let mqtt.js go on with the next message now
      this.sendAcks();
    };
    client.handleMessage = (packet: Packet, callback: (err?: Error) => void) => {
      const p = packet as IPublishPacket;
      // QoS 1 only (the subscription's): mqtt.js answers QoS 2 with PUBREC, not PUBACK.
      const slot: AckSlot | null =
        p.qos === 1 && p.messageId !== undefined
          ? { messageId: p.messageId, settled: false, send: null }
          : null;
      if (slot) {
        this.acks.push(slot);
        this.awaitingPuback.set(slot.messageId, slot);
      }
      const topic = parseDeviceTopic(p.topic);
      if (!topic) {
        if (slot) slot.settled = true;
        return callback();
      }
      const payload = Buffer.isBuffer(p.payload) ? p.payload : Buffer.from(p.payload);
      // The next message is read once this one is queued for a batch (not committed): while
      // ingest holds INGEST_MAX_PENDING_ROWS rows, this waits and the broker's in-flight window
      // fills up — back-pressure on the broker instead of memory here. No promise per message:
      // ingest calls back when the message is committed (or refused).
      const settled = slot
        ? () => {
            slot.settled = true;
            this.sendAcks();
          }
        : ignore;
      whenQueued(this.ingest.accept(topic.serial, topic.channel, payload, Date.now(), settled), () =>
        callback(),
      );
    };
    client.on('error', (err) => this.logger.warn(`external broker: ${err.message}`));
    client.on('reconnect', () => this.logger.warn('external broker: reconnecting'));
    this.client = client;
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => {
        // MQTT_SHARED_GROUP=none: a plain subscription, for brokers without $share (aedes).
        const filter = group === 'none' ? INGEST_TOPIC_FILTER : `$share/${group}/${INGEST_TOPIC_FILTER}`;
        client.subscribe(filter, { qos: 1 }, (err, granted) => {
          if (err) return reject(err);
          if (granted?.some((g) => g.qos === 128))
            return reject(new Error('subscription refused by the broker'));
          this.logger.log(`consuming ${filter} from ${url.replace(/\/\/[^@]*@/, '//')}`);
          resolve();
        });
      });
      client.once('error', reject);
    });
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (!client) return;
    await this.ingest.drain();
    this.sendAcks();
    await client.endAsync();
  }

  /** Sends the PUBACKs of the settled messages at the head of the queue (arrival order). */
  private sendAcks(): void {
    const { acks } = this;
    let n = 0;
    while (n < acks.length && acks[n].settled && acks[n].send) n++;
    if (n === 0) return;
    for (const slot of acks.splice(0, n)) slot.send?.();
  }
}
