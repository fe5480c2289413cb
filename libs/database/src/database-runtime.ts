import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import { type AppConfig, type StorageModeRequest } from '@liftwatch/config';
import { type EmbeddedSupervision, startEmbeddedPostgres } from './embedded-postgres.runtime';
import { MIGRATIONS } from './migrations';

export type StorageMode = 'timescaledb' | 'postgres';

/** Where the database is and what it can do; decided once at boot. */
export interface DatabaseRuntime {
  url: string;
  kind: 'embedded' | 'external';
  storageMode: StorageMode;
  serverVersion: string;
  /** Stops the embedded server; a no-op for an external one. */
  stop(): Promise<void>;
  /** The embedded server's supervisor state (absent for an external server). */
  supervision?: () => EmbeddedSupervision;
}

/** TypeORM logs "Migration … failed" to the console whatever `logging` says; the error is thrown anyway. */
const QUIET: TypeOrmLogger = {
  logQuery: () => undefined,
  logQueryError: () => undefined,
  logQuerySlow: () => undefined,
  logSchemaBuild: () => undefined,
  logMigration: () => undefined,
  log: () => undefined,
};

/** Connection `options` carrying the requested storage mode to the migrations (see Foundation). */
export function connectionOptions(storageMode: StorageModeRequest): string {
  return `-c liftwatch.storage_mode=${storageMode}`;
}

/** A DataSource that knows only the migrations; used to migrate before the application starts. */
export function migrationDataSource(url: string, storageMode: StorageModeRequest): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    // A failing migration is reported by the error it throws; TypeORM's own logging would print
    // the whole SQL text on top — and its migration messages ignore `logging: false`.
    logging: false,
    logger: QUIET,
    extra: { options: connectionOptions(storageMode), max: 2 },
  });
}

/** Key of the advisory lock that makes processes starting together migrate one after another. */
const MIGRATION_LOCK = 7_301_955_001;

/**
 * Applies pending migrations. Several processes starting at once against one database (ingest
 * workers and api replicas of a deployment) take turns under a session advisory lock: the first
 * migrates, the others then find nothing to do — none fails on a table another just created.
 */
export async function runMigrations(url: string, storageMode: StorageModeRequest): Promise<string[]> {
  const ds = migrationDataSource(url, storageMode);
  await ds.initialize();
  const lock = ds.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const done = await ds.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.release();
    await ds.destroy();
  }
}

export async function readStorageMode(ds: DataSource): Promise<StorageMode> {
  const rows: Array<{ value: string }> = await ds.query(
    `SELECT value FROM platform_settings WHERE key = 'storage_mode'`,
  );
  return rows[0]?.value === 'timescaledb' ? 'timescaledb' : 'postgres';
}

/**
 * Resolves the database for this process: the external server from DATABASE_URL, or an embedded
 * PostgreSQL under DATA_DIR; then applies pending migrations and reads the storage mode.
 */
export interface DatabaseLog {
  info(msg: string): void;
  debug(msg: string): void;
  warn?(msg: string): void;
}

export async function prepareDatabase(
  config: AppConfig,
  log: DatabaseLog,
  opts: { callerHandlesSignals?: boolean } = {},
): Promise<DatabaseRuntime> {
  let url: string;
  let kind: DatabaseRuntime['kind'];
  let stop: () => Promise<void> = () => Promise.resolve();
  let supervision: DatabaseRuntime['supervision'];
  if (config.database.url) {
    url = config.database.url;
    kind = 'external';
  } else {
    const embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      port: config.database.embeddedPort,
      database: 'liftwatch',
      log: {
        info: (m) => log.info(m),
        debug: (m) => log.debug(`[embedded-postgres] ${m}`),
        warn: (m) => (log.warn ?? log.info)(m),
      },
      callerHandlesSignals: opts.callerHandlesSignals,
    });
    url = embedded.url;
    kind = 'embedded';
    stop = () => embedded.stop();
    supervision = () => embedded.supervision();
  }
  try {
    const applied = await runMigrations(url, config.database.storageMode);
    if (applied.length > 0) log.info(`applied migrations: ${applied.join(', ')}`);
    const ds = new DataSource({ type: 'postgres', url, extra: { max: 1 } });
    await ds.initialize();
    try {
      const storageMode = await readStorageMode(ds);
      const version: Array<{ server_version: string }> = await ds.query('SHOW server_version');
      return {
        url,
        kind,
        storageMode,
        serverVersion: version[0]?.server_version ?? 'unknown',
        stop,
        supervision,
      };
    } finally {
      await ds.destroy();
    }
  } catch (err) {
    await stop();
    throw err;
  }
}
