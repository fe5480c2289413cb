import { Inject, Injectable, Logger } from '@nestjs/common';
import { connect } from 'mqtt';
import { APP_CONFIG, type AppConfig, splitBrokerUrls } from '@liftwatch/config';

export type KickResult = 'kicked' | 'not_connected' | 'skipped' | 'failed';

/**
 * Disconnects a device from the external broker (MQTT_URL) once it has been revoked or its secret
 * rotated, so it must authenticate again — through the broker's hooks, which now deny it.
 *
 * - `takeover` (default, any broker): connects with the device's client id under the platform's
 *   account; MQTT requires the broker to close the older connection with that id (3.1.1 §3.1.4,
 *   5.0 reason 0x8E "session taken over"). Then leaves, with a clean session.
 * - `emqx`: `DELETE {EMQX_API_URL}/clients/{clientid}` with the API key (EMQX ≥ 5).
 * - `none`: nothing; the broker's own re-authentication decides.
 */
@Injectable()
export class ExternalBrokerKicker {
  private readonly logger = new Logger(ExternalBrokerKicker.name);

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async kick(clientId: string): Promise<KickResult> {
    const { url, kick, emqxApi } = this.config.mqtt;
    if (!url || kick === 'none') return 'skipped';
    try {
      if (kick === 'emqx' && emqxApi) {
        const res = await fetch(`${emqxApi.url}/clients/${encodeURIComponent(clientId)}`, {
          method: 'DELETE',
          headers: {
            authorization: `Basic ${Buffer.from(`${emqxApi.key}:${emqxApi.secret}`).toString('base64')}`,
          },
          signal: AbortSignal.timeout(5000),
        });
        if (res.status === 404) return 'not_connected';
        if (!res.ok) throw new Error(`EMQX answered ${res.status}`);
        return 'kicked';
      }
      // any node of a cluster will do: the broker drops the device's connection wherever it is
      let last: unknown = null;
      for (const node of splitBrokerUrls(url)) {
        try {
          await this.takeOver(node, clientId);
          return 'kicked';
        } catch (err) {
          last = err;
        }
      }
      throw last instanceof Error ? last : new Error('no broker node answered');
    } catch (err) {
      this.logger.warn(
        `could not disconnect ${clientId} from the broker (${kick}): ${err instanceof Error ? err.message : String(err)}`,
      );
      return 'failed';
    }
  }

  private takeOver(url: string, clientId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const client = connect(url, {
        clientId,
        username: this.config.mqtt.username,
        password: this.config.mqtt.password,
        clean: true,
        reconnectPeriod: 0,
        connectTimeout: 5000,
      });
      client.once('connect', () => client.end(false, {}, () => resolve()));
      client.once('error', (err) => {
        client.end(true);
        reject(err);
      });
    });
  }
}
