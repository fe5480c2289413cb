import { hostname } from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { connect, type IPublishPacket, type MqttClient, type Packet } from 'mqtt';
import { APP_CONFIG, type AppConfig, mqttTargets, redactBrokerUrls } from '@liftwatch/config';
import { IngestService } from '../ingest/ingest.service';
import { INGEST_TOPIC_FILTER, parseDeviceTopic } from '../protocol/topics';

type SendPacket = (
  packet: Packet,
  cb?: (err?: Error) => void,
  cbStorePut?: () => void,
  noStore?: boolean,
) => void;

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
  private ackChain: Promise<void> = Promise.resolve();
  private readonly commits = new Map<number, Promise<unknown>>();

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
    const { url: first, servers } = mqttTargets(url);
    const client = connect(first, {
      servers,
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
      const id = packet.cmd === 'puback' ? packet.messageId : undefined;
      const commit = id !== undefined ? this.commits.get(id) : undefined;
      if (id === undefined || !commit) return send(packet, cb, cbStorePut, noStore);
      this.commits.delete(id);
      cb?.(); // let mqtt.js go on with the next message now
      this.ackChain = this.ackChain
        .then(() => commit)
        .then(() => send(packet, undefined, cbStorePut, noStore));
    };
    client.handleMessage = (packet: Packet, callback: (err?: Error) => void) => {
      const p = packet as IPublishPacket;
      const topic = parseDeviceTopic(p.topic);
      if (!topic) {
        if (p.qos > 0 && p.messageId !== undefined) this.commits.set(p.messageId, Promise.resolve());
        return callback();
      }
      const payload = Buffer.isBuffer(p.payload) ? p.payload : Buffer.from(p.payload);
      // The next message is read once this one is queued for a batch (not committed): while
      // ingest holds INGEST_MAX_PENDING_ROWS rows, this waits and the broker's in-flight window
      // fills up — back-pressure on the broker instead of memory here.
      void this.ingest.submit(topic.serial, topic.channel, payload).then((admitted) => {
        if (p.qos > 0 && p.messageId !== undefined) this.commits.set(p.messageId, admitted.outcome);
        callback();
      });
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
          this.logger.log(`consuming ${filter} from ${redactBrokerUrls(url)}`);
          resolve();
        });
      });
      // one broker: its refusal fails the start; a list: mqtt.js tries the next node
      if (!servers) client.once('error', reject);
    });
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (!client) return;
    await this.ingest.drain();
    await this.ackChain;
    await client.endAsync();
  }
}
