import { randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { hashPassword } from '@liftwatch/access';
import { startTestApp, type TestApp, USER_PASSWORD, uniq } from './support/test-app';

describe('platform surface', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    await t.startBroker();
  });

  afterAll(async () => {
    await t.close();
  });

  it('should report health with the storage mode without a token', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      storageMode: 'postgres',
      database: { status: 'up' },
      broker: { status: 'up', mode: 'embedded' },
    });
  });

  it('should serve OpenAPI listing the endpoints of every capability', async () => {
    const res = await t.http().get('/api/openapi.json').expect(200);
    const paths = Object.keys((res.body as { paths: Record<string, unknown> }).paths);
    for (const p of [
      '/api/v1/auth/login',
      '/api/v1/regions',
      '/api/v1/organisations',
      '/api/v1/buildings',
      '/api/v1/units',
      '/api/v1/flats',
      '/api/v1/flats/{id}/owners',
      '/api/v1/owners',
      '/api/v1/elevators',
      '/api/v1/elevators/{id}/assignments',
      '/api/v1/devices',
      '/api/v1/devices/{id}/rotate-secret',
      '/api/v1/users',
      '/api/v1/audit-log',
      '/api/v1/maintenance/contracts',
      '/api/v1/elevators/{id}/maintenance-plan',
      '/api/v1/elevators/{id}/maintenance-records',
      '/api/v1/elevators/{id}/maintenance-records/verification',
      '/api/v1/elevators/{id}/inspection-status',
      '/api/v1/oversight/overdue',
      '/api/v1/oversight/overdue.csv',
      '/api/v1/insurance/policies',
      '/api/v1/claims',
      '/api/v1/claims/{id}/evidence',
      '/api/v1/claims/{id}/documents',
      '/api/v1/projects',
      '/api/v1/projects/{id}/vote',
      '/api/v1/statements/{id}/pdf',
      '/health',
    ]) {
      expect(paths).toContain(p);
    }
    const docs = await t.http().get('/api/docs').redirects(1);
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('swagger');
  });

  it('should send protective headers on every answer and no X-Powered-By', async () => {
    for (const path of ['/health', '/api/v1/elevators', '/api/openapi.json']) {
      const res = await t.http().get(path);
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      const csp = res.headers['content-security-policy'];
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self';"); // no inline script for the web app
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
    }
    // Swagger UI boots from an inline script: only its page allows that.
    const docs = await t.http().get('/api/docs').redirects(1);
    expect(docs.headers['content-security-policy']).toContain("script-src 'self' 'unsafe-inline'");
  });

  it('should expose Prometheus metrics including request counts', async () => {
    await t.http().get('/health');
    const res = await t.http().get('/metrics').expect(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toMatch(
      /liftwatch_http_requests_total\{method="GET",route="\/health",status="200"\} \d+/,
    );
    expect(res.text).toContain('liftwatch_process_resident_memory_bytes');
  });

  describe('authentication', () => {
    it('should refuse requests without a token, with a bad token and with a wrong password', async () => {
      await t.http().get('/api/v1/elevators').expect(401);
      await t.http().get('/api/v1/elevators').auth('nonsense', { type: 'bearer' }).expect(401);
      const res = await t
        .http()
        .post('/api/v1/auth/login')
        .send({ username: 'admin', password: 'wrong-password' });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Wrong username or password' });
    });

    it('should stop honouring a token as soon as the account is disabled', async () => {
      const admin = await t.adminToken();
      const username = `reg-${uniq()}`;
      await t
        .http()
        .post('/api/v1/regions')
        .auth(admin, { type: 'bearer' })
        .send({ code: '440000', name: '广东省' });
      const created = await t
        .http()
        .post('/api/v1/users')
        .auth(admin, { type: 'bearer' })
        .send({
          username,
          password: USER_PASSWORD,
          displayName: 'r',
          role: 'regulator',
          regionCode: '440000',
        })
        .expect(201);
      const token = await t.login(username);
      const me = await t.http().get('/api/v1/auth/me').auth(token, { type: 'bearer' }).expect(200);
      expect(me.body).toMatchObject({ username, role: 'regulator', regionCode: '440000' });
      await t
        .http()
        .patch(`/api/v1/users/${created.body.id}`)
        .auth(admin, { type: 'bearer' })
        .send({ disabled: true })
        .expect(200);
      await t.http().get('/api/v1/auth/me').auth(token, { type: 'bearer' }).expect(401);
      await t.http().post('/api/v1/auth/login').send({ username, password: USER_PASSWORD }).expect(401);
      const audit = await t
        .http()
        .get(`/api/v1/audit-log?entityType=user&entityId=${created.body.id}`)
        .auth(admin, { type: 'bearer' })
        .expect(200);
      const actions = (audit.body as { items: Array<{ action: string; changes: object }> }).items;
      expect(actions.map((a) => a.action)).toEqual(['user.update', 'user.create']);
      expect(JSON.stringify(actions)).not.toContain(USER_PASSWORD);
    });

    it('should find users by part of the username or display name, and page the result', async () => {
      const admin = await t.adminToken();
      const tag = `find${randomUUID().slice(0, 8)}`;
      for (const [username, displayName] of [
        [`${tag}.a`, '张三'],
        [`${tag}.b`, `王五 ${tag.toUpperCase()}`],
        [`other.${randomUUID().slice(0, 8)}`, `李四 ${tag}`],
      ])
        await t
          .http()
          .post('/api/v1/users')
          .auth(admin, { type: 'bearer' })
          .send({ username, password: USER_PASSWORD, displayName, role: 'admin' })
          .expect(201);
      const found = async (query: string) =>
        (await t.http().get(`/api/v1/users?${query}`).auth(admin, { type: 'bearer' }).expect(200)).body as {
          items: Array<{ username: string; displayName: string }>;
          total: number;
        };
      const all = await found(`q=${tag}`);
      expect(all.total).toBe(3);
      expect(all.items.map((u) => u.displayName).sort()).toEqual(
        ['张三', `李四 ${tag}`, `王五 ${tag.toUpperCase()}`].sort(),
      );
      const second = await found(`q=${tag}&limit=2&offset=2`);
      expect(second).toMatchObject({ total: 3 });
      expect(second.items).toHaveLength(1);
      expect(
        (await found(`q=${encodeURIComponent('张三')}&role=admin`)).items.map((u) => u.username),
      ).toContain(`${tag}.a`);
      expect((await found(`q=${tag}&role=firm`)).total).toBe(0);
      // LIKE wildcards are characters to find
      expect((await found(`q=${encodeURIComponent('%')}`)).total).toBe(0);
      // a list names what each user is bound to
      await t
        .http()
        .post('/api/v1/regions')
        .auth(admin, { type: 'bearer' })
        .send({ code: '440000', name: '广东省' });
      await t
        .http()
        .post('/api/v1/users')
        .auth(admin, { type: 'bearer' })
        .send({
          username: `${tag}.reg`,
          password: USER_PASSWORD,
          displayName: 'r',
          role: 'regulator',
          regionCode: '440000',
        })
        .expect(201);
      expect((await found(`q=${tag}.reg`)).items[0]).toMatchObject({
        regionCode: '440000',
        bindingName: '广东省',
      });
      expect((await found(`q=${tag}.a`)).items[0]).toMatchObject({ bindingName: null });
    });

    it('should refuse a duplicate username with 409', async () => {
      const admin = await t.adminToken();
      const res = await t
        .http()
        .post('/api/v1/users')
        .auth(admin, { type: 'bearer' })
        .send({ username: 'admin', password: USER_PASSWORD, displayName: 'x', role: 'admin' });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('USERNAME_TAKEN');
    });

    it('should refuse tokens that would never expire, lack iat, are stamped ahead or too old, or use another algorithm', async () => {
      const jwt = t.app.get(JwtService);
      const [admin] = await t.db.query<Array<{ id: string }>>(
        `SELECT id FROM users WHERE username = 'admin'`,
      );
      const claims = { sub: admin.id, role: 'admin' };
      const good = await jwt.signAsync(claims, { expiresIn: 600 });
      await t.http().get('/api/v1/auth/me').auth(good, { type: 'bearer' }).expect(200);
      const noExp = await jwt.signAsync(claims);
      const noIat = await jwt.signAsync(claims, { expiresIn: 600, noTimestamp: true });
      const [header, payload] = good.split('.');
      const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
      const hs512 = await jwt.signAsync(claims, { expiresIn: 600, algorithm: 'HS512' });
      // issued 400 days ahead, expiring a day after that: the lifetime looks fine, the issue time not
      const future = Math.floor(Date.now() / 1000) + 400 * 86_400;
      const ahead = await jwt.signAsync({ ...claims, iat: future, exp: future + 86_400 });
      // issued 40 days ago, expiring in a day: older than the 30-day cap at verification
      const past = Math.floor(Date.now() / 1000) - 40 * 86_400;
      const old = await jwt.signAsync({ ...claims, iat: past, exp: Math.floor(Date.now() / 1000) + 86_400 });
      for (const token of [noExp, noIat, unsigned, hs512, `${header}.${payload}.`, ahead, old]) {
        const res = await t.http().get('/api/v1/auth/me').auth(token, { type: 'bearer' });
        expect(res.status).toBe(401);
      }
    });

    it('should upgrade a weaker password hash at the next successful login', async () => {
      const admin = await t.adminToken();
      const username = `old-${uniq()}`;
      const created = await t
        .http()
        .post('/api/v1/users')
        .auth(admin, { type: 'bearer' })
        .send({ username, password: USER_PASSWORD, displayName: 'o', role: 'admin' })
        .expect(201);
      const id = (created.body as { id: string }).id;
      // As stored by an older release, with a cost below today's.
      await t.db.query(`UPDATE users SET password_hash = $2 WHERE id = $1`, [
        id,
        await hashPassword(USER_PASSWORD, { N: 4096, r: 8, p: 1 }),
      ]);
      const stored = async (): Promise<string> =>
        (
          await t.db.query<Array<{ h: string }>>(`SELECT password_hash AS h FROM users WHERE id = $1`, [id])
        )[0].h;
      await t.http().post('/api/v1/auth/login').send({ username, password: 'wrong-password' }).expect(401);
      expect((await stored()).split('$')[1]).toBe('4096');
      await t.login(username);
      expect((await stored()).split('$')[1]).toBe(String(t.config.auth.passwordScryptN));
      await t.login(username); // and the new hash verifies
    });
  });
});
