import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { ensureDatabase, runMigrations, startEmbeddedPostgres } from '../../libs/database/src';

/** Where the shared test database lives; written by global setup, read by every test file. */
export const TEST_DATABASE_URL_ENV = 'LIFTWATCH_TEST_DATABASE_URL';

export interface TestDatabase {
  url: string;
  /** Server URL without a database, for tests that create their own databases. */
  adminUrl: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A database of its own beside the shared one, migrated, for a test file whose background work
 * (outbox senders, sweeps with test-short periods) must not reach other files' rows, nor theirs
 * its own. `drop` removes it.
 */
export async function createOwnDatabase(sharedUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const shared = new URL(sharedUrl);
  const database = `${shared.pathname.slice(1)}_own_${Math.random().toString(36).slice(2, 8)}`;
  const adminUrl = withDatabase(sharedUrl, 'postgres');
  await ensureDatabase(adminUrl, database);
  const url = withDatabase(sharedUrl, database);
  await runMigrations(url, 'auto');
  return {
    url,
    drop: async () => {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * One database for the whole test run: a fresh database on the server named by TEST_DATABASE_URL
 * (e.g. the machine's PostgreSQL), or else an embedded PostgreSQL in a temporary directory.
 */
export async function startTestDatabase(): Promise<TestDatabase> {
  const database = `liftwatch_test_${Date.now().toString(36)}_${process.pid}`;
  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    const adminUrl = withDatabase(external, 'postgres');
    await ensureDatabase(adminUrl, database);
    // a shared server keeps its own durability; this database alone skips waiting for WAL flushes
    const c = new Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(`ALTER DATABASE ${database} SET synchronous_commit = off`);
    } finally {
      await c.end();
    }
    const url = withDatabase(external, database);
    await runMigrations(url, 'auto');
    return {
      url,
      adminUrl,
      stop: async () => {
        const c = new Client({ connectionString: adminUrl });
        await c.connect();
        try {
          await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        } finally {
          await c.end();
        }
      },
    };
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'liftwatch-test-'));
  const pg = await startEmbeddedPostgres({
    dataDir,
    port: await freePort(),
    database,
    // a test cluster: nothing in it is worth an fsync
    // (and room for the processes that spawned tests start beside each other: topologies, clusters)
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' },
  });
  await runMigrations(pg.url, 'auto');
  return {
    url: pg.url,
    adminUrl: withDatabase(pg.url, 'postgres'),
    stop: async () => {
      await pg.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
