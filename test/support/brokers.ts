import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './test-database';
import { waitFor } from './wait';

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Whether the machine has the mosquitto binary (Debian's package; CI machines have it). */
export const hasMosquitto = (): boolean => spawnSync('mosquitto', ['-h']).error === undefined;
/** Whether the machine has redis-server (Debian's package; CI machines have it). */
export const hasRedisServer = (): boolean => spawnSync('redis-server', ['--version']).error === undefined;

/** A Mosquitto of the test's own (the binary the machine has), on a free port. */
export async function startMosquitto(extraConfig: string[] = []): Promise<ServiceProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'liftwatch-mosquitto-'));
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      // the ingest workers' window: messages sent to a subscriber before its PUBACKs come back
      'max_inflight_messages 200',
      'max_queued_messages 100000',
      ...extraConfig,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  const url = `mqtt://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      const { connect } = await import('mqtt');
      const c = connect(url, { reconnectPeriod: 0, connectTimeout: 1000 });
      const ok = await new Promise<boolean>((r) => {
        c.once('connect', () => r(true));
        c.once('error', () => r(false));
      });
      c.end(true);
      return ok;
    },
    10_000,
    'mosquitto listening',
  );
  return { url, child, stop: stopper(child, dir) };
}

/** A Redis of the test's own (no persistence), on a free port. */
export async function startRedis(): Promise<ServiceProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'liftwatch-redis-'));
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        const s = createConnection(port, '127.0.0.1');
        s.once('connect', () => {
          s.destroy();
          resolve(true);
        });
        s.once('error', () => resolve(false));
      }),
    10_000,
    'redis listening',
  );
  return { url: `redis://127.0.0.1:${port}`, child, stop: stopper(child, dir) };
}

function stopper(child: ChildProcess, dir: string): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
