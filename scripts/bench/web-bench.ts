/**
 * npm run bench:web — the dashboard in Debian's Chromium (playwright-core) against the built
 * platform, each phase on a fresh platform process with its embedded PostgreSQL and broker.
 *
 *   1. first load: a fresh demo (`--demo`), a browser profile with an empty cache. Time until the
 *      login form takes input, time from "sign in" until the dispatcher's alarm panel is drawn,
 *      bytes over the wire, requests, the largest chunk; then the same with a warm cache.
 *      Baseline of the same run: a page with no script (the logo) from the same server.
 *   1b. the car's public page (/e/:code, what a passenger opens from the QR code) with a cold cache,
 *      unthrottled and on a lobby's signal (1.6 Mbps down, 750 kbps up, 150 ms RTT, CPU 4× slower):
 *      bytes, requests, time until the code shows and until the report can be sent; the dashboard's
 *      login page under the same conditions is the baseline.
 *   1c. every route of the dashboard as its user opens it on a phone (390×844), cold cache, signed
 *      in already: bytes, requests and time until the screen is drawn and the network idle,
 *      unthrottled and on the lobby profile; the public page and the login page are the baseline.
 *   2. live fleet: N elevators (default 2 000) registered straight into the database, each
 *      controller (a real MQTT client in a separate process) reporting a new floor once a second.
 *      The fleet screen is open as the platform admin. Frame rate, long tasks (> 50 ms) and
 *      main-thread busy time, measured over a window idle (baseline), live, and live while the
 *      list is scrolled.
 * Prints one JSON document.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { type Browser, chromium, type Page } from 'playwright-core';
import { PLATFORM_NODE_FLAGS } from '../../libs/config/src';
import { provisionBenchFleet } from './bench-fleet';

const { values } = parseArgs({
  options: {
    elevators: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '15' },
    chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
    'skip-load': { type: 'boolean', default: false },
    'skip-live': { type: 'boolean', default: false },
    'skip-public': { type: 'boolean', default: false },
    'skip-routes': { type: 'boolean', default: false },
  },
});
const ELEVATORS = Number(values.elevators);
const SECONDS = Number(values.seconds);
const MAIN = resolve(__dirname, '../../apps/platform/src/main.js');
const LOAD_SCRIPT = join(__dirname, 'load-generator.js');
const WEB_DIR = resolve(__dirname, '../../../dist/web');
const ADMIN_PASSWORD = 'bench-admin-password';

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

interface Platform {
  baseUrl: string;
  mqttUrl: string;
  dbUrl: string;
  stop(): Promise<void>;
}

async function startPlatform(args: string[]): Promise<Platform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'liftwatch-webbench-'));
  const [http, mqtt, pg] = [await freePort(), await freePort(), await freePort()];
  const child: ChildProcess = spawn(process.execPath, [...PLATFORM_NODE_FLAGS, MAIN, ...args], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      HTTP_PORT: String(http),
      HTTP_HOST: '127.0.0.1',
      MQTT_PORT: String(mqtt),
      MQTT_WS_PORT: String(await freePort()),
      EMBEDDED_PG_PORT: String(pg),
      ADMIN_PASSWORD,
      LOG_LEVEL: 'warn',
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${http}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${baseUrl}/health`)).ok) break;
    } catch {
      // not up yet
    }
    if (i > 1200) throw new Error('platform did not become healthy');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    baseUrl,
    mqttUrl: `mqtt://127.0.0.1:${mqtt}`,
    dbUrl: `postgresql://postgres:liftwatch-embedded@127.0.0.1:${pg}/liftwatch`,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: values.chromium,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Bytes and requests a page loads, from the DevTools protocol (what went over the wire). */
async function netMeter(page: Page): Promise<{
  reset(): void;
  read(): {
    requests: number;
    transferredKiB: number;
    largest: { url: string; transferredKiB: number } | null;
  };
}> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const urls = new Map<string, string>();
  let rows: Array<{ url: string; bytes: number }> = [];
  cdp.on('Network.requestWillBeSent', (e: { requestId: string; request: { url: string } }) =>
    urls.set(e.requestId, e.request.url),
  );
  cdp.on('Network.loadingFinished', (e: { requestId: string; encodedDataLength: number }) =>
    rows.push({ url: urls.get(e.requestId) ?? '?', bytes: e.encodedDataLength }),
  );
  const kib = (b: number): number => Math.round((b / 1024) * 10) / 10;
  return {
    reset: () => (rows = []),
    read: () => {
      const largest = [...rows].sort((a, b) => b.bytes - a.bytes)[0];
      return {
        requests: rows.length,
        transferredKiB: kib(rows.reduce((s, r) => s + r.bytes, 0)),
        largest: largest ? { url: new URL(largest.url).pathname, transferredKiB: kib(largest.bytes) } : null,
      };
    },
  };
}

async function firstLoad(): Promise<Record<string, unknown>> {
  const platform = await startPlatform(['--demo']);
  // The demo is ready once its controllers report; the dashboard is what is measured.
  const browser = await launch();
  try {
    const runs: Array<Record<string, unknown>> = [];
    const context = await browser.newContext({
      viewport: { width: 1366, height: 768 },
      baseURL: platform.baseUrl,
      // the platform's CSP forbids eval; the harness's waitForFunction strings need it
      bypassCSP: true,
    });
    for (const cache of ['cold', 'warm'] as const) {
      const page = await context.newPage();
      const net = await netMeter(page);
      // Baseline: a page with no script from the same server.
      let t = Date.now();
      await page.goto('/favicon.svg', { waitUntil: 'load' });
      const baselineMs = Date.now() - t;
      net.reset();
      await page.evaluate('localStorage.clear()');
      t = Date.now();
      await page.goto('/login');
      await page.getByTestId('login-username').waitFor();
      await page.waitForFunction('!document.querySelector("[data-testid=login-submit]").disabled');
      const loginInteractiveMs = Date.now() - t;
      const nav = await page.evaluate<string>(
        'JSON.stringify(performance.getEntriesByType("navigation")[0])',
      );
      const navTiming = JSON.parse(nav) as { domContentLoadedEventEnd: number; loadEventEnd: number };
      const loginNet = net.read();
      net.reset();
      await page.getByTestId('login-username').fill('firm.gz');
      await page.getByTestId('login-password').fill('liftwatch-demo');
      t = Date.now();
      await page.getByTestId('login-submit').click();
      await page.getByTestId('alarm-type-counts').waitFor();
      await page.waitForLoadState('networkidle');
      const homeMs = Date.now() - t;
      const homeNet = net.read();
      runs.push({
        cache,
        baselineNoScriptPageMs: baselineMs,
        loginFormInteractiveMs: loginInteractiveMs,
        domContentLoadedMs: Math.round(navTiming.domContentLoadedEventEnd),
        loadEventMs: Math.round(navTiming.loadEventEnd),
        loginPage: loginNet,
        signInToAlarmPanelMs: homeMs,
        afterSignIn: homeNet,
        totalTransferredKiB: Math.round((loginNet.transferredKiB + homeNet.transferredKiB) * 10) / 10,
      });
      await page.evaluate('localStorage.clear()');
      await page.close();
    }
    return { runs, build: buildSizes() };
  } finally {
    await browser.close();
    await platform.stop();
  }
}

interface Profile {
  name: string;
  net: { offline: boolean; latency: number; downloadThroughput: number; uploadThroughput: number } | null;
  cpu: number;
}
/** A passenger's or owner's phone in a lobby: 1.6 Mbps down, 750 kbps up, 150 ms RTT, CPU 4× slower. */
const LOBBY: Profile = {
  name: 'lobby 1.6 Mbps / 150 ms RTT, CPU 4x',
  net: {
    offline: false,
    latency: 150,
    downloadThroughput: (1.6e6 / 8) | 0,
    uploadThroughput: (750e3 / 8) | 0,
  },
  cpu: 4,
};
const PROFILES: Profile[] = [{ name: 'unthrottled', net: null, cpu: 1 }, LOBBY];

/** Network and CPU emulation for the page (DevTools protocol). */
async function throttle(page: Page, profile: Profile): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  if (profile.net) await cdp.send('Network.emulateNetworkConditions', profile.net);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpu });
}

/** Drawn: the network idle, the page's root has content and no spinner is left. */
async function drawn(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle', { timeout: 120_000 });
  await page.waitForFunction(
    '(document.getElementById("root")?.childElementCount ?? 0) > 0 && !document.querySelector(".ant-spin-spinning")',
    undefined,
    { timeout: 120_000 },
  );
}

/** The car's public page against the dashboard's login page, cold cache, with and without throttling. */
async function publicPage(): Promise<Record<string, unknown>> {
  const platform = await startPlatform(['--demo']);
  const browser = await launch();
  try {
    const login = await fetch(`${platform.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'firm.gz', password: 'liftwatch-demo' }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const list = await fetch(`${platform.baseUrl}/api/v1/elevators?limit=1`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    const code = ((await list.json()) as { items: Array<{ registrationCode: string }> }).items[0]
      ?.registrationCode;
    if (!code) throw new Error('the demo has no elevator');
    const profiles = PROFILES;
    const rows: Array<Record<string, unknown>> = [];
    for (const profile of profiles) {
      for (const route of ['public', 'login'] as const) {
        const context = await browser.newContext({
          viewport: { width: 390, height: 844 },
          baseURL: platform.baseUrl,
          bypassCSP: true,
        });
        const page = await context.newPage();
        await throttle(page, profile);
        const net = await netMeter(page);
        const t = Date.now();
        if (route === 'public') {
          await page.goto(`/e/${code}`);
          await page.getByTestId('public-code').waitFor({ timeout: 60_000 });
          const shownMs = Date.now() - t;
          await page.waitForFunction(
            '!document.querySelector("[data-testid=public-report-submit]").disabled',
          );
          rows.push({
            profile: profile.name,
            route: `/e/:code`,
            codeShownMs: shownMs,
            usableMs: Date.now() - t,
            ...net.read(),
          });
        } else {
          await page.goto('/login');
          await page.getByTestId('login-username').waitFor({ timeout: 60_000 });
          rows.push({
            profile: profile.name,
            route: '/login (dashboard)',
            usableMs: Date.now() - t,
            ...net.read(),
          });
        }
        await context.close();
      }
    }
    return { rows };
  } finally {
    await browser.close();
    await platform.stop();
  }
}

/** The dashboard's routes, each opened signed in by its user with a cold cache, on a phone. */
async function routes(): Promise<Record<string, unknown>> {
  const platform = await startPlatform(['--demo']);
  const browser = await launch();
  const sessions = new Map<string, string>();
  const session = async (username: string): Promise<string> => {
    const known = sessions.get(username);
    if (known) return known;
    const res = await fetch(`${platform.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'liftwatch-demo' }),
    });
    const r = (await res.json()) as { accessToken: string; expiresIn: number; user: unknown };
    const stored = JSON.stringify({
      token: r.accessToken,
      expiresAt: Date.now() + r.expiresIn * 1000,
      user: r.user,
    });
    sessions.set(username, stored);
    return stored;
  };
  const firm = await session('firm.gz');
  const list = await fetch(`${platform.baseUrl}/api/v1/elevators?limit=1`, {
    headers: { authorization: `Bearer ${(JSON.parse(firm) as { token: string }).token}` },
  });
  const elevator = ((await list.json()) as { items: Array<{ id: string; registrationCode: string }> })
    .items[0];
  if (!elevator) throw new Error('the demo has no elevator');
  const targets: Array<{ user: string | null; route: string }> = [
    { user: null, route: '/login' },
    { user: null, route: `/e/${elevator.registrationCode}` },
    { user: 'firm.gz', route: '/alarms' },
    { user: 'firm.gz', route: '/fleet' },
    { user: 'firm.gz', route: `/elevators/${elevator.id}` },
    { user: 'firm.gz', route: '/maintenance' },
    { user: 'tech.gz', route: '/t' },
    { user: 'tech.gz', route: `/t/${elevator.registrationCode}/visit` },
    { user: 'owner.hj12', route: '/home' },
    { user: 'owner.hj12', route: '/statements' },
    { user: 'agent.hj12', route: '/project' },
    { user: 'insurer.antai', route: '/claims' },
    { user: 'regulator.gz', route: '/oversight' },
    { user: 'demo.admin', route: '/admin' },
  ];
  const profiles = PROFILES;
  const rows: Array<Record<string, unknown>> = [];
  try {
    for (const profile of profiles) {
      for (const target of targets) {
        const context = await browser.newContext({
          viewport: { width: 390, height: 844 },
          baseURL: platform.baseUrl,
          bypassCSP: true,
          // the service worker's precache is a background download after the first load
          serviceWorkers: 'block',
        });
        if (target.user) {
          const stored = await session(target.user);
          await context.addInitScript(`localStorage.setItem('lw.session', ${JSON.stringify(stored)})`);
        }
        const page = await context.newPage();
        await throttle(page, profile);
        const net = await netMeter(page);
        const t = Date.now();
        await page.goto(target.route);
        await drawn(page);
        rows.push({
          profile: profile.name,
          user: target.user ?? '—',
          route: target.route.replace(elevator.id, ':id').replace(elevator.registrationCode, ':code'),
          drawnMs: Date.now() - t,
          ...net.read(),
        });
        await context.close();
      }
    }
    // the second visit of an installed app: the service worker serves the files
    const secondVisits: Array<Record<string, unknown>> = [];
    const lobby = LOBBY;
    for (const target of targets.filter((x) => ['/home', '/t'].includes(x.route))) {
      const context = await browser.newContext({
        viewport: { width: 390, height: 844 },
        baseURL: platform.baseUrl,
        bypassCSP: true,
        serviceWorkers: 'allow',
      });
      await context.addInitScript(
        `localStorage.setItem('lw.session', ${JSON.stringify(await session(target.user ?? ''))})`,
      );
      const first = await context.newPage();
      await first.goto(target.route);
      await first.waitForFunction('navigator.serviceWorker.controller !== null', undefined, {
        timeout: 60_000,
      });
      await first.close();
      const page = await context.newPage();
      await throttle(page, lobby);
      const net = await netMeter(page);
      const t = Date.now();
      await page.goto(target.route);
      await drawn(page);
      secondVisits.push({
        profile: lobby?.name,
        user: target.user,
        route: target.route,
        drawnMs: Date.now() - t,
        ...net.read(),
      });
      await context.close();
    }
    return { rows, secondVisits };
  } finally {
    await browser.close();
    await platform.stop();
  }
}

/** The built chunks: raw and gzip sizes, the largest first. */
function buildSizes(): Record<string, unknown> {
  const dir = join(WEB_DIR, 'assets');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.js') || f.endsWith('.css'))
    .map((f) => {
      const body = readFileSync(join(dir, f));
      return {
        file: f,
        kib: Math.round(statSync(join(dir, f)).size / 102.4) / 10,
        gzipKiB: Math.round(gzipSync(body).length / 102.4) / 10,
      };
    })
    .sort((a, b) => b.kib - a.kib);
  return {
    chunks: files.length,
    totalKiB: Math.round(files.reduce((s, f) => s + f.kib, 0)),
    totalGzipKiB: Math.round(files.reduce((s, f) => s + f.gzipKiB, 0)),
    largest: files.slice(0, 3),
  };
}

const PROBE = `(() => {
  const b = { frames: 0, longTasks: 0, longTaskMs: 0, running: true };
  const tick = () => { b.frames++; if (b.running) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) { b.longTasks++; b.longTaskMs += e.duration; }
  }).observe({ type: 'longtask' });
  window.__bench = b;
})()`;

async function measureWindow(
  page: Page,
  seconds: number,
  during?: () => Promise<void>,
): Promise<Record<string, number>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async (): Promise<Record<string, number>> =>
    Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const before = await metrics();
  const start = await page.evaluate<string>('JSON.stringify(window.__bench)');
  const t0 = Date.now();
  const work = during ? during() : Promise.resolve();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  await work;
  const elapsed = (Date.now() - t0) / 1000;
  const end = await page.evaluate<string>('JSON.stringify(window.__bench)');
  const after = await metrics();
  const a = JSON.parse(start) as { frames: number; longTasks: number; longTaskMs: number };
  const b = JSON.parse(end) as { frames: number; longTasks: number; longTaskMs: number };
  const d = (k: string): number => (after[k] ?? 0) - (before[k] ?? 0);
  await cdp.detach();
  return {
    seconds: Math.round(elapsed * 10) / 10,
    fps: Math.round(((b.frames - a.frames) / elapsed) * 10) / 10,
    longTasks: b.longTasks - a.longTasks,
    longTaskMsPerS: Math.round((b.longTaskMs - a.longTaskMs) / elapsed),
    mainThreadBusyPct: Math.round((d('TaskDuration') / elapsed) * 1000) / 10,
    scriptPct: Math.round((d('ScriptDuration') / elapsed) * 1000) / 10,
    layoutAndStylePct: Math.round(((d('LayoutDuration') + d('RecalcStyleDuration')) / elapsed) * 1000) / 10,
    jsHeapMiB: Math.round((after.JSHeapUsedSize ?? 0) / 1048576),
  };
}

async function liveFleet(): Promise<Record<string, unknown>> {
  const platform = await startPlatform([]);
  const browser = await launch();
  let load: ChildProcess | null = null;
  try {
    const creds = await provisionBenchFleet(
      platform.dbUrl,
      ELEVATORS,
      `W${Date.now().toString(36).toUpperCase()}`,
    );
    const file = join(mkdtempSync(join(tmpdir(), 'liftwatch-webbench-creds-')), 'creds.json');
    writeFileSync(file, JSON.stringify(creds));
    const page = await browser.newPage({
      viewport: { width: 1366, height: 768 },
      baseURL: platform.baseUrl,
      bypassCSP: true,
    });
    await page.goto('/login');
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    let t = Date.now();
    await page.getByTestId('login-submit').click();
    await page.waitForURL((u) => u.pathname === '/fleet');
    await page.waitForFunction(
      `(document.querySelector('[data-testid=count-all]')?.textContent ?? '').includes('${ELEVATORS}')`,
      undefined,
      {
        timeout: 120_000,
      },
    );
    const fleetReadyMs = Date.now() - t;
    await page.evaluate(PROBE);
    // Scrolling the list the whole window long: 120 px every 16 ms, end to end and back (a fling).
    const scroll = async (): Promise<void> => {
      await page.evaluate(`(() => {
        const el = document.querySelector('[data-testid=fleet-list]');
        let dir = 1;
        const h = setInterval(() => {
          el.scrollTop += dir * 120;
          if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) dir = -1;
          if (el.scrollTop <= 0) dir = 1;
        }, 16);
        setTimeout(() => clearInterval(h), ${SECONDS * 1000});
      })()`);
    };
    const idle = await measureWindow(page, SECONDS);
    const idleScrolling = await measureWindow(page, SECONDS, scroll);

    // The controllers: every one moves its car once a second.
    let connected = false;
    load = fork(
      LOAD_SCRIPT,
      [
        JSON.stringify({
          url: platform.mqttUrl,
          credentials: file,
          mode: 'paced',
          seconds: SECONDS * 2 + 20,
          window: 1,
          rate: 1,
          qos: 0,
          moving: true,
        }),
      ],
      { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    load.on('message', (m: { type?: string }) => {
      if (m.type === 'connected') connected = true;
    });
    t = Date.now();
    while (!connected) {
      if (Date.now() - t > 120_000) throw new Error('the simulated controllers did not connect');
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 4000)); // every device has published at least once
    // Proof the screen follows: the floors of the rows on screen change between two looks.
    const floors = `JSON.stringify(Object.fromEntries([...document.querySelectorAll('[data-elevator]')].map((r) => [r.dataset.elevator, r.querySelector('[data-testid=floor]')?.textContent])))`;
    const f1 = JSON.parse(await page.evaluate<string>(floors)) as Record<string, string>;
    const live = await measureWindow(page, SECONDS);
    const f2 = JSON.parse(await page.evaluate<string>(floors)) as Record<string, string>;
    const both = Object.keys(f1).filter((id) => id in f2);
    const scrolling = await measureWindow(page, SECONDS, scroll);
    const rowsOnScreen = await page.evaluate('document.querySelectorAll("[data-elevator]").length');
    return {
      elevators: ELEVATORS,
      updatesPerSecond: ELEVATORS,
      fleetScreenReadyMs: fleetReadyMs,
      rowsInTheDom: rowsOnScreen,
      rowsOnScreenThatChangedFloor: `${both.filter((id) => f1[id] !== f2[id]).length} of ${both.length}`,
      baselineIdle: idle,
      baselineScrollingWithoutUpdates: idleScrolling,
      live,
      liveWhileScrolling: scrolling,
    };
  } finally {
    load?.kill('SIGTERM');
    await browser.close();
    await platform.stop();
  }
}

async function main(): Promise<void> {
  const out: Record<string, unknown> = {
    command: `npm run bench:web -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    browser: values.chromium,
    at: new Date().toISOString(),
  };
  if (!values['skip-load']) out.firstLoad = await firstLoad();
  if (!values['skip-public']) out.publicPage = await publicPage();
  if (!values['skip-routes']) out.routes = await routes();
  if (!values['skip-live']) out.liveFleet = await liveFleet();
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
