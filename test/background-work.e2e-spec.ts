import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { WebhookDispatcher } from '@liftwatch/alarms';
import { claimJobRun, runJobOnce } from '@liftwatch/database';
import { createFleet, type Fleet } from './support/fleet.fixture';
import { startTestApp, testDatabaseUrl, type TestApp, uniq } from './support/test-app';
import { waitFor } from './support/wait';

describe('job runs under a lease', () => {
  let ds: DataSource;
  beforeAll(async () => {
    ds = new DataSource({ type: 'postgres', url: testDatabaseUrl(), extra: { max: 3 } });
    await ds.initialize();
  });
  afterAll(() => ds.destroy());

  it('should give a run to one claimant, and to another once the lease has run out unfinished', async () => {
    const job = `test-${uniq()}`;
    expect(await claimJobRun(ds, job, '2026-11-25', 300)).toBe(true);
    expect(await claimJobRun(ds, job, '2026-11-25', 300)).toBe(false);
    await new Promise((r) => setTimeout(r, 400)); // the first claimant "died"
    expect(await claimJobRun(ds, job, '2026-11-25', 60_000)).toBe(true);
    const [row] = await ds.query<Array<{ attempts: number }>>(
      `SELECT attempts FROM job_runs WHERE job = $1`,
      [job],
    );
    expect(row.attempts).toBe(2);
  });

  it('should never run a finished run again, and retry a failed one at once', async () => {
    const job = `test-${uniq()}`;
    await expect(runJobOnce(ds, job, 'k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const [failed] = await ds.query<Array<{ last_error: string; finished_at: Date | null }>>(
      `SELECT last_error, finished_at FROM job_runs WHERE job = $1`,
      [job],
    );
    expect(failed).toMatchObject({ last_error: 'boom', finished_at: null });
    expect(await runJobOnce(ds, job, 'k', () => Promise.resolve({ ok: 1 }))).toEqual({ ok: 1 });
    expect(await runJobOnce(ds, job, 'k', () => Promise.resolve({ ok: 2 }))).toBeNull();
  });

  it('should keep renewing the lease of a long run so nobody else takes it', async () => {
    const job = `test-${uniq()}`;
    let second: boolean | undefined;
    await runJobOnce(
      ds,
      job,
      'k',
      async () => {
        await new Promise((r) => setTimeout(r, 2500));
        second = await claimJobRun(ds, job, 'k', 1000);
        return {};
      },
      1500,
    );
    expect(second).toBe(false);
  });
});

describe('webhook deliveries', () => {
  let t: TestApp;
  let fleet: Fleet;
  let server: Server;
  let port: number;
  const received: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
  let delayMs = 0;

  beforeAll(async () => {
    t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false', ALARM_SWEEP_MS: '60000' });
    fleet = await createFleet(t);
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        setTimeout(() => res.writeHead(204).end(), delayMs);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await t.close();
  });

  /** A webhook row behind the API's back (the API would refuse these targets) with one delivery. */
  const delivery = async (url: string, secret: string): Promise<string> => {
    const [hook] = await t.db.query<Array<{ id: string }>>(
      `INSERT INTO webhooks (organisation_id, url, secret) VALUES ($1, $2, $3) RETURNING id`,
      [fleet.orgs.firmA, url, secret],
    );
    const [d] = await t.db.query<Array<{ id: string }>>(
      `INSERT INTO webhook_deliveries (webhook_id, event, payload) VALUES ($1, 'test', $2::jsonb) RETURNING id`,
      [hook.id, JSON.stringify({ event: 'test', n: uniq() })],
    );
    return d.id;
  };
  const row = async (id: string) =>
    (
      await t.db.query<
        Array<{ status: string; attempts: number; last_error: string | null; next_attempt_at: Date }>
      >(`SELECT status, attempts, last_error, next_attempt_at FROM webhook_deliveries WHERE id = $1`, [id])
    )[0];

  it('should refuse to register loopback, private and link-local targets', async () => {
    const firm = await t.login(fleet.users.firmA);
    for (const url of [
      'http://127.0.0.1:9/x',
      'http://localhost/x',
      'http://10.1.2.3/x',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/x',
      'http://[::ffff:192.168.1.1]/x',
      'http://user:pw@example.com/x',
    ]) {
      const res = await t.post(firm, '/webhooks', { url });
      expect(res.status).toBe(400);
      expect(res.body.fields[0].field).toBe('url');
    }
    const ok = await t.post(firm, '/webhooks', { url: 'https://dispatch.example.com/hook' }).expect(201);
    expect(ok.body.secret).toMatch(/^whsec_/);
  });

  it('should not send to a host name that resolves to this machine', async () => {
    const id = await delivery(
      `http://localhost:${port}/hook`,
      `whsec_${Buffer.alloc(32, 1).toString('base64')}`,
    );
    const before = received.length;
    await t.app.get(WebhookDispatcher).dispatch();
    const r = await row(id);
    expect(r.last_error).toMatch(/internal/);
    expect(r.status).toBe('pending');
    expect(received.length).toBe(before);
  });

  it('should send after the claim committed, holding no lock while the receiver is slow', async () => {
    // Only here: let the dispatcher reach the local receiver by its address.
    const local = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', ALARM_SWEEP_MS: '60000' });
    try {
      const secret = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;
      const id = await delivery(`http://127.0.0.1:${port}/hook`, secret);
      delayMs = 2000;
      const sending = local.app.get(WebhookDispatcher).dispatch();
      await waitFor(() => received.some((r) => r.headers['webhook-id'] === id), 5000, 'the request');
      // While the receiver sits on the request, the delivery row is not locked…
      const q = t.db.createQueryRunner();
      await q.connect();
      try {
        await q.startTransaction();
        await q.query(`SELECT id FROM webhook_deliveries WHERE id = $1 FOR UPDATE NOWAIT`, [id]);
        await q.rollbackTransaction();
      } finally {
        await q.release();
      }
      // …and its lease keeps another dispatcher from sending it twice meanwhile. (That dispatcher
      // may find other tests' deliveries in the shared database: only this one is counted.)
      await t.app.get(WebhookDispatcher).dispatch();
      await sending;
      const r = await row(id);
      expect(r).toMatchObject({ status: 'delivered', attempts: 1 });
      expect(received.filter((x) => x.headers['webhook-id'] === id)).toHaveLength(1);
      const req = received.find((x) => x.headers['webhook-id'] === id);
      expect(
        new Webhook(secret).verify(req?.body ?? '', req?.headers as Record<string, string>),
      ).toMatchObject({
        event: 'test',
      });
    } finally {
      delayMs = 0;
      await local.close();
    }
  });
});
