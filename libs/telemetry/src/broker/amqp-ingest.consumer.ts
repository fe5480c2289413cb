import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Channel, type ChannelModel, type ConsumeMessage, connect } from 'amqplib';
import { APP_CONFIG, type AppConfig, redactBrokerUrls } from '@liftwatch/config';
import { IngestMetrics } from '../ingest/ingest-metrics';
import { IngestService } from '../ingest/ingest.service';
import { parseDeviceTopic } from '../protocol/topics';
import { declareIngestQueue, topicOfRoutingKey } from './amqp-ingest-queue';

const RECONNECT_MS = 500;

/**
 * The ingest role on a RabbitMQ cluster (INGEST_SOURCE=amqp): devices speak MQTT to any node,
 * and every ingest worker consumes the one quorum queue over AMQP 0-9-1 — competing consumers,
 * each message acknowledged after its rows are committed. When a worker dies, or its connection
 * or its node does, the broker hands what it had not acknowledged to another worker (redelivered;
 * rows already committed are skipped by their keys, so nothing is stored twice).
 *
 * AMQP_URL lists the cluster's nodes: the worker connects to the first that answers and, when that
 * connection closes, to the next one along the list.
 */
@Injectable()
export class AmqpIngestConsumer {
  private readonly logger = new Logger(AmqpIngestConsumer.name);
  private connection: ChannelModel | null = null;
  private channel: Channel | null = null;
  private stopping = false;
  private next = 0;
  private unacked = 0;
  private reconnecting: Promise<void> | null = null;
  private consumerTag: string | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ingest: IngestService,
    private readonly metrics: IngestMetrics,
  ) {}

  get enabled(): boolean {
    return this.config.mqtt.ingestSource.kind === 'amqp';
  }

  get connected(): boolean {
    return this.channel !== null;
  }

  /** Which node this worker consumes from now (password hidden). */
  get currentUrl(): string | undefined {
    const source = this.config.mqtt.ingestSource;
    if (source.kind !== 'amqp' || !this.connection) return undefined;
    return redactBrokerUrls(source.urls[(this.next + source.urls.length - 1) % source.urls.length]);
  }

  /** Connects to the first node of the list that answers; fails when none does. */
  async start(): Promise<void> {
    const source = this.config.mqtt.ingestSource;
    if (source.kind !== 'amqp') throw new Error('INGEST_SOURCE is not amqp');
    this.stopping = false;
    const errors: string[] = [];
    for (let i = 0; i < source.urls.length; i++) {
      try {
        await this.open();
        return;
      } catch (err) {
        errors.push(err instanceof Error ? err.message : String(err));
      }
    }
    throw new Error(`no AMQP node answered: ${errors.join('; ')}`);
  }

  private async open(): Promise<void> {
    const source = this.config.mqtt.ingestSource;
    if (source.kind !== 'amqp') return;
    const url = source.urls[this.next % source.urls.length];
    this.next = (this.next + 1) % source.urls.length;
    // a dead node is noticed within two heartbeats even when its TCP connection is not reset
    const withHeartbeat = new URL(url);
    if (!withHeartbeat.searchParams.has('heartbeat')) withHeartbeat.searchParams.set('heartbeat', '5');
    const connection = await connect(withHeartbeat.toString(), { timeout: 5000 });
    try {
      const channel = await connection.createChannel();
      await channel.prefetch(source.prefetch);
      await declareIngestQueue(channel, source.queue);
      connection.on('error', (err: Error) => this.logger.warn(`AMQP connection: ${err.message}`));
      connection.on('close', () => this.onClosed(connection));
      channel.on('error', (err: Error) => this.logger.warn(`AMQP channel: ${err.message}`));
      channel.on('close', () => this.onClosed(connection));
      this.connection = connection;
      this.channel = channel;
      const { consumerTag } = await channel.consume(source.queue, (msg) => this.onMessage(channel, msg), {
        noAck: false,
      });
      this.consumerTag = consumerTag;
      this.logger.log(`consuming ${source.queue} from ${redactBrokerUrls(url)}`);
    } catch (err) {
      await connection.close().catch(() => undefined);
      throw err;
    }
  }

  private onMessage(channel: Channel, msg: ConsumeMessage | null): void {
    if (!msg) return; // the queue was deleted or the consumer cancelled: the close follows
    const topic = parseDeviceTopic(topicOfRoutingKey(msg.fields.routingKey));
    if (!topic) {
      // the binding only routes lw.v1.*.*; anything else is acknowledged and dropped as the MQTT
      // consumer does
      channel.ack(msg);
      return;
    }
    if (msg.fields.redelivered) this.metrics.redelivered.inc();
    this.unacked++;
    const settled = () => {
      this.unacked--;
      // A channel closed meanwhile cannot acknowledge: the broker redelivers the message and its
      // rows, already committed, are skipped then.
      if (this.channel === channel) {
        try {
          channel.ack(msg);
        } catch {
          // closed between the check and the ack
        }
      }
    };
    const queued = this.ingest.accept(topic.serial, topic.channel, msg.content, Date.now(), settled);
    if (queued) queued.catch((err: unknown) => this.logger.warn(`ingest: ${String(err)}`));
  }

  private onClosed(connection: ChannelModel): void {
    if (this.connection !== connection) return;
    this.connection = null;
    this.channel = null;
    if (this.stopping) return;
    this.logger.warn('AMQP connection lost; moving to the next node');
    this.reconnecting ??= this.reconnect().finally(() => (this.reconnecting = null));
  }

  private async reconnect(): Promise<void> {
    while (!this.stopping) {
      await new Promise((r) => setTimeout(r, RECONNECT_MS));
      if (this.stopping) return;
      try {
        await this.open();
        return;
      } catch (err) {
        this.logger.warn(`AMQP reconnect: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  /** Stops taking messages, commits and acknowledges what was taken, then closes. */
  async stop(): Promise<void> {
    this.stopping = true;
    const channel = this.channel;
    const connection = this.connection;
    if (!connection) return;
    try {
      if (channel && this.consumerTag) await channel.cancel(this.consumerTag).catch(() => undefined);
      await this.ingest.drain();
      const until = Date.now() + 10_000;
      while (this.unacked > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    } finally {
      this.connection = null;
      this.channel = null;
      await connection.close().catch(() => undefined);
    }
  }
}
