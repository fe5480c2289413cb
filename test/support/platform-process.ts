import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './test-database';
import { SLACK } from './wait';
import { PLATFORM_NODE_FLAGS } from '../../libs/config/src/node-flags';

export const PROCESS_ADMIN_PASSWORD = 'process-admin-password';

export interface PlatformProcess {
  baseUrl: string;
  mqttUrl: string;
  dataDir: string;
  /** The embedded PostgreSQL's URL (for checks behind the platform's back). */
  databaseUrl: string;
  child: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  /** Whether the process has exited (and how). */
  exited(): { code: number | null; signal: string | null } | null;
  /** The embedded PostgreSQL's postmaster pid. */
  postmasterPid(): number;
  stop(): Promise<void>;
}

const MAIN = resolve(__dirname, '../../dist/apps/platform/src/main.js');

/**
 * The built platform in a child process, exactly as `npm start` runs it (embedded PostgreSQL under
 * a fresh DATA_DIR, embedded broker), on free ports. For tests that kill parts of it or restart it.
 * `npm test` builds first (pretest), so dist/ is current.
 */
export async function startPlatformProcess(
  options: { args?: string[]; env?: Record<string, string>; dataDir?: string } = {},
): Promise<PlatformProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build (npm test does it first)`);
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'liftwatch-proc-'));
  const httpPort = await freePort();
  const mqttPort = await freePort();
  const pgPort = await freePort();
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DATA_DIR: dataDir,
    HTTP_PORT: String(httpPort),
    HTTP_HOST: '127.0.0.1',
    MQTT_PORT: String(mqttPort),
    MQTT_WS_PORT: String(await freePort()),
    MQTT_HOST: '127.0.0.1',
    EMBEDDED_PG_PORT: String(pgPort),
    ADMIN_PASSWORD: PROCESS_ADMIN_PASSWORD,
    LOG_LEVEL: 'info',
    ...options.env,
  };
  const child = spawn(process.execPath, [...PLATFORM_NODE_FLAGS, MAIN, ...(options.args ?? [])], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  let exit: { code: number | null; signal: string | null } | null = null;
  const exited = new Promise<void>((r) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      r();
    }),
  );
  const baseUrl = `http://127.0.0.1:${httpPort}`;
  // 90 s on an idle machine; a busy one (a browser test, a broker cluster beside) gets the slack
  const deadline = Date.now() + 90_000 * SLACK;
  for (;;) {
    if (exit) throw new Error(`platform exited early (${JSON.stringify(exit)}):\n${out.slice(-4000)}`);
    try {
      const res = await fetch(`${baseUrl}/health`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`platform did not become healthy:\n${out.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    baseUrl,
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    dataDir,
    databaseUrl: `postgresql://postgres:liftwatch-embedded@127.0.0.1:${pgPort}/liftwatch`,
    child,
    output: () => out,
    exited: () => exit,
    postmasterPid: () => Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]),
    stop: async () => {
      if (!exit) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
        if (!exit) child.kill('SIGKILL');
        await exited;
      }
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Logs in to a platform process; returns the access token. */
export async function loginTo(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}
