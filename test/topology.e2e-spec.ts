import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hasMosquitto, hasRedisServer, type ServiceProcess, startRedis } from './support/brokers';
import { provisionSimDevices, quietController } from './support/sim';
import { startTestApp, testDatabaseUrl, type TestApp } from './support/test-app';
import { freePort } from './support/test-database';
import { waitFor } from './support/wait';

const healthy = async (url: string): Promise<boolean> => {
  try {
    return (await fetch(`${url}/health`)).ok;
  } catch {
    return false;
  }
};

/**
 * `npm run topology` (scripts/run-topology.js), as the operations guide tells a user to run it:
 * its Mosquitto, two ingest workers and two api replicas come up; a worker killed with -9 is
 * restarted with its client id and the samples sent meanwhile are all stored; Ctrl-C stops all.
 */
(hasMosquitto() && hasRedisServer() ? describe : describe.skip)('npm run topology', () => {
  let app: TestApp;
  let redis: ServiceProcess;
  let topology: ChildProcess;
  let dir: string;
  let out = '';

  afterAll(async () => {
    if (topology && topology.exitCode === null) topology.kill('SIGKILL');
    await redis?.stop();
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('should run the roles supervised, restart a killed worker with its session and stop on SIGTERM', async () => {
    [app, redis] = await Promise.all([startTestApp(), startRedis()]);
    const devices = await provisionSimDevices(app, await app.listen(), 2);
    dir = mkdtempSync(join(tmpdir(), 'liftwatch-topology-'));
    const mqttPort = await freePort();
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    topology = spawn(process.execPath, [resolve(__dirname, '../scripts/run-topology.js')], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DATABASE_URL: testDatabaseUrl(),
        REDIS_URL: redis.url,
        MQTT_PORT: String(mqttPort),
        HTTP_BASE_PORT: String(base),
        TOPOLOGY_DIR: dir,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    topology.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    topology.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    const urls = [base + 1, base + 2, base + 101, base + 102].map((p) => `http://127.0.0.1:${p}`);
    await waitFor(
      async () => (await Promise.all(urls.map(healthy))).every(Boolean),
      90_000,
      'every role healthy',
    );

    const c = quietController(devices[0], `mqtt://127.0.0.1:${mqttPort}`);
    await c.start();
    try {
      const worker = (await (await fetch(`${urls[2]}/health`)).json()) as { uptimeSeconds: number };
      expect(worker.uptimeSeconds).toBeGreaterThanOrEqual(0);
      // Kill worker 1 (its pid from /proc: the child whose HTTP port is base + 101).
      const pid = Number(out.match(/ingest-1 pid (\d+)/)?.[1]);
      expect(pid).toBeGreaterThan(0);
      process.kill(pid, 'SIGKILL');
      for (let i = 0; i < 50; i++) {
        c.sampleStatus();
        await new Promise((r) => setTimeout(r, 20));
      }
      await waitFor(
        () => /ingest-1 exited \(SIGKILL\); restarting/.test(out),
        10_000,
        'the supervisor noticing',
      );
      await waitFor(() => healthy(urls[2] ?? ''), 60_000, 'worker 1 back');
      await waitFor(
        async () => {
          const rows = await app.db.query<Array<{ n: string }>>(
            `SELECT count(DISTINCT seq) AS n FROM telemetry_status WHERE elevator_id = $1`,
            [devices[0].elevatorId],
          );
          return Number(rows[0]?.n) === c.lastSeq;
        },
        30_000,
        'every sample stored',
      );
    } finally {
      await c.stop();
    }
    const exited = new Promise<number | null>((r) => topology.once('exit', (code) => r(code)));
    topology.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect((await Promise.all(urls.map(healthy))).some(Boolean)).toBe(false);
  }, 240_000);
});
