import { type INestApplicationContext, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { type Server, type ServerOptions } from 'socket.io';

/**
 * socket.io over the Redis adapter (`@socket.io/redis-adapter`): with several api replicas behind a
 * load balancer, a room broadcast made in one replica (an alarm acknowledged, a notice, a server-side
 * emit of live states) reaches the sockets of every replica. Two connections: one publishes, one
 * subscribes. While Redis is unreachable ioredis reconnects with back-off and each replica still
 * serves its own sockets; what was broadcast meanwhile reaches only the replica that made it.
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly logger = new Logger('RedisIoAdapter');
  private readonly pub: Redis;
  private readonly sub: Redis;
  /** broadcasts that could not be shared with the other replicas (Redis unreachable) */
  lostBroadcasts = 0;

  constructor(app: INestApplicationContext, url: string) {
    super(app);
    const options = {
      // Broadcasts must not queue unboundedly while Redis is away: fail them and carry on.
      maxRetriesPerRequest: 2,
      retryStrategy: (attempt: number): number => Math.min(10_000, 200 * 2 ** Math.min(attempt, 6)),
    };
    this.pub = new Redis(url, { ...options, connectionName: 'liftwatch-socketio-pub' });
    this.sub = new Redis(url, { ...options, connectionName: 'liftwatch-socketio-sub' });
    // A broadcast made while Redis is away fails (after the retries above): it reached this
    // replica's own sockets already; count it and carry on rather than reject into the void.
    type Publish = (channel: string, message: string | Buffer) => Promise<number>;
    const pub = this.pub as unknown as { publish: Publish };
    const publish = pub.publish.bind(this.pub);
    pub.publish = (channel, message) =>
      publish(channel, message).catch(() => {
        this.lostBroadcasts++;
        return 0;
      });
    let down = false;
    for (const client of [this.pub, this.sub]) {
      client.on('error', (err: Error) => {
        if (down) return;
        down = true;
        this.logger.warn(`Redis: ${err.message}; live updates stay on this replica until it is back`);
      });
      client.on('ready', () => {
        if (down) this.logger.log('Redis reachable again');
        down = false;
      });
    }
  }

  /** Resolves once both connections are up (start-up waits, so the first broadcasts are shared). */
  async connected(timeoutMs = 10_000): Promise<void> {
    const ready = (c: Redis): Promise<void> =>
      c.status === 'ready' ? Promise.resolve() : new Promise((resolve) => c.once('ready', () => resolve()));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis not reachable within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([Promise.all([ready(this.pub), ready(this.sub)]), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options) as Server;
    server.adapter(createAdapter(this.pub, this.sub, { key: 'liftwatch.socket.io' }));
    return server;
  }

  override async dispose(): Promise<void> {
    await super.dispose();
    await Promise.all([this.pub.quit(), this.sub.quit()].map((p) => p.catch(() => undefined)));
  }
}
