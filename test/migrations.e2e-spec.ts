import { Client } from 'pg';
import { ensureDatabase, migrationDataSource, runMigrations } from '@liftwatch/database';
import { type PlatformProcess, startPlatformProcess } from './support/platform-process';

/** Every migration must apply on an empty database, revert completely, and apply again. */
describe('migrations', () => {
  const adminUrl = process.env.LIFTWATCH_TEST_ADMIN_URL ?? '';
  const database = `liftwatch_migrations_${Date.now().toString(36)}`;
  const url = (() => {
    const u = new URL(adminUrl);
    u.pathname = `/${database}`;
    return u.toString();
  })();

  beforeAll(async () => {
    await ensureDatabase(adminUrl, database);
  });

  afterAll(async () => {
    const c = new Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await c.end();
  });

  async function userTables(): Promise<string[]> {
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      const res = await c.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations' ORDER BY 1`,
      );
      return res.rows.map((r) => r.table_name);
    } finally {
      await c.end();
    }
  }

  it('should apply, revert every migration down to an empty schema, and apply again', async () => {
    const ds = migrationDataSource(url, 'postgres');
    await ds.initialize();
    try {
      const applied = await ds.runMigrations({ transaction: 'each' });
      expect(applied.length).toBeGreaterThan(0);
      const tables = await userTables();
      expect(tables).toEqual(
        expect.arrayContaining(['audit_log', 'elevators', 'flats', 'platform_settings', 'users']),
      );
      const [mode] = await ds.query<Array<{ value: string }>>(
        `SELECT value FROM platform_settings WHERE key = 'storage_mode'`,
      );
      expect(mode?.value).toBe('postgres');

      for (let i = 0; i < applied.length; i++) await ds.undoLastMigration({ transaction: 'each' });
      expect(await userTables()).toEqual([]);
      const functions = await ds.query<unknown[]>(`SELECT 1 FROM pg_proc WHERE proname = 'forbid_mutation'`);
      expect(functions).toHaveLength(0);

      const again = await ds.runMigrations({ transaction: 'each' });
      expect(again.map((m) => m.name)).toEqual(applied.map((m) => m.name));
    } finally {
      await ds.destroy();
    }
  });

  it('should refuse STORAGE_MODE=timescaledb on a server without the extension, naming the reason', async () => {
    const other = `${database}_ts`;
    await ensureDatabase(adminUrl, other);
    const u = new URL(adminUrl);
    u.pathname = `/${other}`;
    const ds = migrationDataSource(u.toString(), 'timescaledb');
    await ds.initialize();
    try {
      await expect(ds.runMigrations({ transaction: 'each' })).rejects.toThrow(
        /timescaledb extension cannot be created/,
      );
      const tables = await ds.query<unknown[]>(
        `SELECT 1 FROM information_schema.tables WHERE table_name = 'users'`,
      );
      expect(tables).toHaveLength(0);
    } finally {
      await ds.destroy();
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${other} WITH (FORCE)`);
      await c.end();
    }
  });

  /** Runs `fn` on a fresh database `<run>_<suffix>`, dropped afterwards whatever happens. */
  async function withFreshDatabase(suffix: string, fn: (url: string) => Promise<void>): Promise<void> {
    const name = `${database}_${suffix}`;
    await ensureDatabase(adminUrl, name);
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    try {
      await fn(u.toString());
    } finally {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    }
  }

  it('should migrate once when several processes start together on an empty database', async () => {
    await withFreshDatabase('together', async (url) => {
      const runs = await Promise.all([1, 2, 3, 4].map(() => runMigrations(url, 'postgres')));
      // One process applied every migration; the others found none left to apply.
      const applied = runs.map((r) => r.length).sort((a, b) => b - a);
      expect(applied[0]).toBeGreaterThan(10);
      expect(applied.slice(1)).toEqual([0, 0, 0]);
    });
  });

  it('should start a whole deployment at once on an empty database (migrations, first admin)', async () => {
    await withFreshDatabase('deploy', async (url) => {
      const started: PlatformProcess[] = [];
      try {
        // Three api processes: each migrates and creates the first admin unless another did.
        const results = await Promise.allSettled(
          [1, 2, 3].map(() =>
            startPlatformProcess({ args: ['--role', 'api'], env: { DATABASE_URL: url, LOG_LEVEL: 'warn' } }),
          ),
        );
        for (const r of results) if (r.status === 'fulfilled') started.push(r.value);
        expect(
          results.map((r) => (r.status === 'rejected' ? String(r.reason).slice(0, 400) : 'healthy')),
        ).toEqual(['healthy', 'healthy', 'healthy']);
        const c = new Client({ connectionString: url });
        await c.connect();
        const admins = await c.query(`SELECT 1 FROM users WHERE role = 'admin'`);
        await c.end();
        expect(admins.rowCount).toBe(1);
      } finally {
        for (const p of started) await p.stop();
      }
    });
  }, 300_000);
});
