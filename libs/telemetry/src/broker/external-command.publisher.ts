import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { connect, type MqttClient } from 'mqtt';
import { APP_CONFIG, type AppConfig, mqttTargets } from '@liftwatch/config';
import { type ConfigCommand } from '../protocol/messages';
import { deviceTopic } from '../protocol/topics';

/**
 * Sends device commands through the external broker (MQTT_URL), so that any api replica can
 * reach any device, whichever ingest worker or broker node it is connected to. Connects on first
 * use with the platform's own account and a client id of its own (a clean session: a command is
 * for now, and it is audited when the broker has taken it — PUBACK — not when the device has).
 */
@Injectable()
export class ExternalCommandPublisher implements OnModuleDestroy {
  private readonly logger = new Logger(ExternalCommandPublisher.name);
  private client: Promise<MqttClient> | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get configured(): boolean {
    return this.config.mqtt.url !== undefined;
  }

  async publish(serial: string, command: ConfigCommand): Promise<void> {
    const client = await this.connected();
    await client.publishAsync(deviceTopic(serial, 'cmd'), JSON.stringify(command), { qos: 1, retain: false });
  }

  async onModuleDestroy(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await (await client.catch(() => null))?.endAsync();
  }

  private connected(): Promise<MqttClient> {
    const url = this.config.mqtt.url;
    if (!url) return Promise.reject(new Error('MQTT_URL is not set'));
    this.client ??= new Promise<MqttClient>((resolve, reject) => {
      const { url: first, servers } = mqttTargets(url);
      const client = connect(first, {
        servers,
        clientId: `liftwatch-cmd-${hostname()}-${process.pid}`.slice(0, 64),
        username: this.config.mqtt.username,
        password: this.config.mqtt.password,
        clean: true,
        reconnectPeriod: 2000,
        connectTimeout: 10_000,
      });
      // With a list of nodes mqtt.js moves along it on every failed attempt: wait for one to
      // answer rather than giving up on the first refusal.
      const timer = setTimeout(() => {
        this.client = null;
        client.end(true);
        reject(new Error('no MQTT broker node answered within 10 s'));
      }, 10_000);
      client.once('connect', () => {
        clearTimeout(timer);
        resolve(client);
      });
      client.on('error', (err) => {
        this.logger.warn(`command publisher: ${err.message}`);
        if (servers || client.connected) return;
        // one broker: its refusal is the answer
        clearTimeout(timer);
        this.client = null;
        client.end(true);
        reject(err);
      });
    });
    return this.client;
  }
}
