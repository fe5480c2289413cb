import { type INestApplication } from '@nestjs/common';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { UsersService } from '@liftwatch/access';
import { TelemetryRuntime } from '@liftwatch/telemetry';
import { type AppConfig, loadConfig } from '@liftwatch/config';
import { type DatabaseRuntime, readStorageMode } from '@liftwatch/database';
import { createPlatformApp } from '../../apps/platform/src/platform.app';
import { createOwnDatabase, TEST_DATABASE_URL_ENV } from './test-database';

export const ADMIN_PASSWORD = 'test-admin-password';
export const USER_PASSWORD = 'test-user-password';
export const TEST_JWT_SECRET = 'test-jwt-secret-that-is-long-enough-0123456789';

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  /** A plain DataSource on the test database, for checks behind the API's back. */
  db: DataSource;
  http(): ReturnType<typeof request>;
  /** GET /api/v1{path} with a bearer token. */
  get(token: string, path: string): request.Test;
  /** POST /api/v1{path} with a bearer token and a JSON body. */
  post(token: string, path: string, body: object): request.Test;
  login(username: string, password?: string): Promise<string>;
  adminToken(): Promise<string>;
  /** Opens the embedded broker on a free port (TCP, and WebSocket when asked); returns the ports. */
  startBroker(withWebSocket?: boolean): Promise<{ tcpPort: number; wsPort: number | null }>;
  /** The HTTP server's base URL (listening on a free port once `listen` was called). */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export function testDatabaseUrl(): string {
  const url = process.env[TEST_DATABASE_URL_ENV];
  if (!url) throw new Error(`${TEST_DATABASE_URL_ENV} is not set; run the tests through jest's e2e project`);
  return url;
}

/**
 * The real application (api role) on the shared test database, ready for supertest. With
 * `ownDatabase`, on a freshly migrated database of its own (dropped on close): for files whose
 * background senders and sweeps, run with test-short periods and test receivers, would otherwise
 * also act on the rows of files running beside them (and theirs on its rows).
 */
export async function startTestApp(
  env: Record<string, string> = {},
  opts: { ownDatabase?: boolean } = {},
): Promise<TestApp> {
  const own = opts.ownDatabase ? await createOwnDatabase(testDatabaseUrl()) : null;
  const url = own?.url ?? testDatabaseUrl();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: url,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    JWT_SECRET: TEST_JWT_SECRET,
    // The suite creates and logs in hundreds of users: a cheaper scrypt keeps it fast. The
    // platform's default (OWASP's 2^17) is covered by the password and rehash tests.
    PASSWORD_SCRYPT_N: '16384',
    // Test receivers listen on 127.0.0.1; the refusal of internal targets has its own test.
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    // Every file signs in from 127.0.0.1 into one database, where the per-address failure counts
    // are shared: files that try wrong passwords on purpose must not slow the others down. The
    // throttling file sets its own limits (and a client address per test).
    LOGIN_ADDRESS_FREE_FAILURES: '10000',
    LOGIN_ADDRESS_LOCK_AFTER: '100000',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'liftwatch-app-')),
    ...env,
  });
  const db = new DataSource({ type: 'postgres', url, extra: { max: 2 } });
  await db.initialize();
  const database: DatabaseRuntime = {
    // the application's own connections go where its configuration says (a test may put a proxy
    // in between); `db` above stays on the real server for checks behind its back
    url: config.database.url ?? url,
    kind: 'external',
    storageMode: await readStorageMode(db),
    serverVersion: 'test',
    stop: () => Promise.resolve(),
  };
  const app = await createPlatformApp({
    config,
    database,
    jwtSecret: TEST_JWT_SECRET,
    deferBrokerStart: true,
  });
  await app.init();
  await app.get(UsersService).ensureFirstAdmin(ADMIN_PASSWORD);
  const http = (): ReturnType<typeof request> => request(app.getHttpServer());
  const login = async (username: string, password = USER_PASSWORD): Promise<string> => {
    const res = await http().post('/api/v1/auth/login').send({ username, password });
    if (res.status !== 200)
      throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return (res.body as { accessToken: string }).accessToken;
  };
  let admin: string | undefined;
  return {
    app,
    config,
    db,
    http,
    get: (token, path) => http().get(`/api/v1${path}`).auth(token, { type: 'bearer' }),
    post: (token, path, body) => http().post(`/api/v1${path}`).auth(token, { type: 'bearer' }).send(body),
    login,
    adminToken: async () => (admin ??= await login('admin', ADMIN_PASSWORD)),
    startBroker: async (withWebSocket = false) => {
      const ports = await app.get(TelemetryRuntime).startIngest(0, withWebSocket ? 0 : null);
      if (!ports) throw new Error('this test app consumes an external broker');
      return ports;
    },
    listen: async () => {
      await app.listen(0, '127.0.0.1');
      const addr = (app.getHttpServer() as { address(): { port: number } }).address();
      return `http://127.0.0.1:${addr.port}`;
    },
    close: async () => {
      await app.close();
      await db.destroy();
      await own?.drop();
    },
  };
}

/** A short random suffix so records from different test files never collide in the shared DB. */
export function uniq(): string {
  return Math.random().toString(36).slice(2, 8);
}

/** A random valid 20-digit registration code (traction passenger elevator, Tianhe, 2021-06). */
export function newRegistrationCode(region = '440106'): string {
  const serial = String(Math.floor(Math.random() * 1e10)).padStart(10, '0');
  return `3110${region}${serial}`;
}
