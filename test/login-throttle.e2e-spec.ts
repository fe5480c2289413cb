import { randomInt } from 'node:crypto';
import { type Browser } from 'playwright-core';
import request from 'supertest';
import {
  collectPageErrors,
  dismissEntrapmentPopups,
  launchChromium,
  newContext,
  shot,
} from './support/browser';
import { ADMIN_PASSWORD, startTestApp, type TestApp, USER_PASSWORD, uniq } from './support/test-app';

/** A client address of its own for each test (the app trusts X-Forwarded-For, as behind nginx). */
const newAddress = (): string => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sign-in throttling', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({
      TRUST_PROXY: 'true',
      // small limits keep the waits short; the rule's defaults are covered by its unit tests
      LOGIN_FREE_FAILURES: '2',
      LOGIN_LOCK_AFTER: '4',
      LOGIN_ADDRESS_FREE_FAILURES: '5',
      LOGIN_ADDRESS_LOCK_AFTER: '6',
    });
    admin = await t.adminToken();
  });

  afterAll(async () => {
    await t.close();
  });

  const newUser = async (): Promise<string> => {
    const username = `lt-${uniq()}`;
    await t
      .post(admin, '/users', { username, password: USER_PASSWORD, displayName: '锁定测试', role: 'admin' })
      .expect(201);
    return username;
  };
  const attempt = (username: string, password: string, from: string) =>
    t.http().post('/api/v1/auth/login').set('X-Forwarded-For', from).send({ username, password });

  it('should lock an account after a burst of wrong passwords, 4 at a time, refuse its right password until an admin unlocks it, and audit it', async () => {
    const username = await newUser();
    const from = newAddress();
    const statuses: number[] = [];
    const refusals: request.Response[] = [];
    // an attacker who ignores Retry-After: rounds of 4 at once, a quarter second apart, until locked
    for (let round = 0; round < 60 && !refusals.some((r) => r.body.code === 'ACCOUNT_LOCKED'); round += 1) {
      const answers = await Promise.all([0, 1, 2, 3].map(() => attempt(username, 'wrong-password', from)));
      for (const a of answers) {
        statuses.push(a.status);
        if (a.status === 429) refusals.push(a);
      }
      await sleep(250);
    }
    // LOGIN_LOCK_AFTER passwords were checked: three answered 401, the fourth locked and said so
    // (429 ACCOUNT_LOCKED); everything else was refused unchecked
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    expect(refusals.at(-1)?.body.code).toBe('ACCOUNT_LOCKED');
    for (const r of refusals) {
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      expect(r.body.retryAfterSeconds).toBe(Number(r.headers['retry-after']));
      expect(['LOGIN_SLOW_DOWN', 'ACCOUNT_LOCKED']).toContain(r.body.code);
    }

    // the right password does not get through the lock (the attacker learns nothing either)
    const right = await attempt(username, USER_PASSWORD, from);
    expect(right.status).toBe(429);
    expect(right.body).toMatchObject({ code: 'ACCOUNT_LOCKED', scope: 'account' });
    expect(right.body.message).toMatch(/locked for \d+ min.*administrator/);
    expect(Date.parse(right.body.lockedUntil as string)).toBeGreaterThan(Date.now() + 10 * 60_000);
    // … from another address neither: the lock is on the account
    expect((await attempt(username, USER_PASSWORD, newAddress())).status).toBe(429);
    // nor with the username typed differently
    expect((await attempt(username.toUpperCase(), USER_PASSWORD, newAddress())).status).toBe(429);

    const locks = await t.get(admin, '/auth/locks').expect(200);
    const lock = (locks.body.items as Array<{ scope: string; key: string; userId: string | null }>).find(
      (l) => l.scope === 'account' && l.key === username,
    );
    expect(lock).toMatchObject({ displayName: '锁定测试', failures: 4 });
    expect(lock?.userId).toEqual(expect.any(String));
    const audit = await t.get(admin, `/audit-log?entityType=login-account&entityId=${username}`).expect(200);
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        action: 'login.locked',
        changes: expect.objectContaining({ username, address: from, lockedUntil: expect.any(String) }),
      }),
    ]);

    // only the administrator lifts it
    const firmless = await t.login(username).catch(() => null);
    expect(firmless).toBeNull();
    const unlocked = await t
      .post(admin, '/auth/locks/unlock', { scope: 'account', key: username })
      .expect(200);
    expect(unlocked.body).toEqual({ wasLocked: true });
    expect((await attempt(username, USER_PASSWORD, from)).status).toBe(200);
    const unlockAudit = await t
      .get(admin, `/audit-log?entityType=login-account&entityId=${username}`)
      .expect(200);
    expect((unlockAudit.body.items as Array<{ action: string }>).map((e) => e.action)).toContain(
      'login.unlocked',
    );
    // a success clears the account's count: two wrong passwords are free again (from an address
    // with no failures of its own — `from` keeps its count)
    const elsewhere = newAddress();
    expect((await attempt(username, 'wrong-password', elsewhere)).status).toBe(401);
    expect((await attempt(username, 'wrong-password', elsewhere)).status).toBe(401);
  });

  it('should ask for growing pauses after the free failures and let the right password in after the pause', async () => {
    const username = await newUser();
    const from = newAddress();
    expect((await attempt(username, 'nope-1', from)).status).toBe(401);
    expect((await attempt(username, 'nope-2', from)).status).toBe(401);
    const early = await attempt(username, USER_PASSWORD, from);
    expect(early.status).toBe(429);
    expect(early.body).toMatchObject({ code: 'LOGIN_SLOW_DOWN', scope: 'account', retryAfterSeconds: 1 });
    expect(early.headers['retry-after']).toBe('1');
    await sleep(1_100);
    expect((await attempt(username, 'nope-3', from)).status).toBe(401);
    const second = await attempt(username, USER_PASSWORD, from);
    expect(second.body).toMatchObject({ code: 'LOGIN_SLOW_DOWN', retryAfterSeconds: 2 });
    await sleep(2_100);
    // the fourth attempt is the one that would lock, but it is right: in, and the count is gone
    expect((await attempt(username, USER_PASSWORD, from)).status).toBe(200);
    expect((await attempt(username, 'nope-4', from)).status).toBe(401);
    const locks = await t.get(admin, '/auth/locks').expect(200);
    expect((locks.body.items as Array<{ key: string }>).some((l) => l.key === username)).toBe(false);
  });

  it('should pause one address guessing many usernames without holding back others', async () => {
    const from = newAddress();
    const real = await newUser();
    for (let i = 0; i < 5; i += 1) expect((await attempt(`ghost-${uniq()}`, 'guess', from)).status).toBe(401);
    expect((await attempt(`ghost-${uniq()}`, 'guess', from)).body.code).toBe('LOGIN_SLOW_DOWN');
    await sleep(1_100);
    const locking = await attempt(`ghost-${uniq()}`, 'guess', from);
    expect(locking.status).toBe(429);
    expect(locking.body).toMatchObject({ code: 'ADDRESS_LOCKED', scope: 'address' });
    expect(locking.body.message).toMatch(/^Wrong username or password\. /);
    // the address is paused even for a right password; the account from elsewhere is not
    expect((await attempt(real, USER_PASSWORD, from)).body.code).toBe('ADDRESS_LOCKED');
    expect((await attempt(real, USER_PASSWORD, newAddress())).status).toBe(200);
    const audit = await t.get(admin, `/audit-log?entityType=login-address&entityId=${from}`).expect(200);
    expect(audit.body.items[0]).toMatchObject({ action: 'login.locked', actorRole: 'system' });
    await t.post(admin, '/auth/locks/unlock', { scope: 'address', key: from }).expect(200);
    expect((await attempt(real, USER_PASSWORD, from)).status).toBe(200);
  });

  it('should keep the locks to the administrator and check the unlock request', async () => {
    const username = await newUser();
    const token = await t.login(username);
    expect((await t.get(token, '/auth/locks')).status).toBe(200); // an admin account
    const owner = await t.http().get('/api/v1/auth/locks');
    expect(owner.status).toBe(401);
    const bad = await t.post(admin, '/auth/locks/unlock', { scope: 'planet', key: '' });
    expect(bad.status).toBe(400);
    expect((bad.body.fields as Array<{ field: string }>).map((f) => f.field).sort()).toEqual([
      'key',
      'scope',
    ]);
    expect(
      (await t.post(admin, '/auth/locks/unlock', { scope: 'account', key: `nobody-${uniq()}` }).expect(200))
        .body,
    ).toEqual({
      wasLocked: false,
    });
  });

  it('should refuse logins beyond the password-check slots with 503 and Retry-After, and stay responsive', async () => {
    // one check at a time, nobody waiting, the platform's real scrypt cost (~0.3 s a check)
    const busy = await startTestApp({
      LOGIN_HASH_CONCURRENCY: '1',
      LOGIN_HASH_QUEUE: '0',
      PASSWORD_SCRYPT_N: '131072',
    });
    try {
      const flood = Array.from({ length: 6 }, () =>
        busy
          .http()
          .post('/api/v1/auth/login')
          .set('X-Forwarded-For', newAddress())
          .send({ username: `ghost-${uniq()}`, password: 'x' }),
      );
      const other = busy.http().get('/api/openapi.json');
      const answers = await Promise.all(flood);
      expect((await other).status).toBe(200);
      const statuses = answers.map((a) => a.status);
      expect(statuses.every((s) => s === 401 || s === 503)).toBe(true);
      const refused = answers.filter((a) => a.status === 503);
      expect(refused.length).toBeGreaterThan(0);
      expect(refused[0]?.body).toMatchObject({ code: 'LOGIN_BUSY', retryAfterSeconds: 2 });
      expect(refused[0]?.headers['retry-after']).toBe('2');
    } finally {
      await busy.close();
    }
  });
  describe('on screen', () => {
    let browser: Browser;
    let baseUrl: string;

    beforeAll(async () => {
      baseUrl = await t.listen();
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser.close();
    });

    it('should tell the person how long to wait and why, and let the admin unlock from the users tab', async () => {
      const username = await newUser();
      const phone = await newContext(browser, baseUrl, { size: 'phone', lang: 'zh-CN' });
      // an address of its own: files running beside this one sign in (and fail) from 127.0.0.1
      await phone.setExtraHTTPHeaders({ 'X-Forwarded-For': newAddress() });
      const page = await phone.newPage();
      const errors = collectPageErrors(page);
      const submit = async (password: string) => {
        await page.getByTestId('login-username').fill(username);
        await page.getByTestId('login-password').fill(password);
        await page.getByTestId('login-submit').click();
      };
      await page.goto('/login');
      await submit('wrong-password-1');
      await page.getByText('用户名或密码错误').waitFor();
      await submit('wrong-password-2');
      await page.getByText('用户名或密码错误').waitFor();
      await submit(USER_PASSWORD);
      await page.getByText('尝试过于频繁，请稍候片刻再试。').waitFor();
      // the button counts the pause down, then is usable again
      await page.getByText(/秒后可再试/).waitFor();
      await shot(page, 'login-slow-down-phone-zh');
      await page.locator('[data-testid=login-submit]:not([disabled])').waitFor({ timeout: 5_000 });

      // someone else hammers the account from elsewhere until it locks
      const from = newAddress();
      for (let i = 0; i < 30; i += 1) {
        const r = await attempt(username, 'wrong-password', from);
        if (r.body.code === 'ACCOUNT_LOCKED') break;
        await sleep(Number(r.headers['retry-after'] ?? 0) * 1000);
      }
      await submit(USER_PASSWORD);
      await page.getByText(/该账号已临时锁定/).waitFor();
      await page.getByText(/联系平台管理员解锁/).waitFor();
      await shot(page, 'login-locked-phone-zh');
      await phone.close();

      const laptop = await newContext(browser, baseUrl, { size: 'laptop', lang: 'en' });
      await laptop.setExtraHTTPHeaders({ 'X-Forwarded-For': newAddress() });
      const admin = await laptop.newPage();
      const adminErrors = collectPageErrors(admin);
      await admin.goto('/login');
      await admin.getByTestId('login-username').fill(username);
      await admin.getByTestId('login-password').fill(USER_PASSWORD);
      await admin.getByTestId('login-submit').click();
      await admin.getByText(/this account is locked until/).waitFor();
      await shot(admin, 'login-locked-laptop-en');
      await admin.getByTestId('login-username').fill('admin');
      await admin.getByTestId('login-password').fill(ADMIN_PASSWORD);
      await admin.getByTestId('login-submit').click();
      await admin.getByTestId('user-menu').waitFor();
      await admin.goto('/admin');
      await dismissEntrapmentPopups(admin);
      await admin.getByRole('tab', { name: 'Users' }).click();
      const locks = admin.getByTestId('sign-in-locks');
      await locks.getByText(`锁定测试 (${username})`).waitFor();
      await locks.scrollIntoViewIfNeeded();
      await shot(admin, 'admin-sign-in-locks-laptop-en');
      await admin.getByTestId(`unlock-${username}`).click();
      await admin.getByText('Unlocked').waitFor();
      await locks.getByText(`锁定测试 (${username})`).waitFor({ state: 'detached' });
      expect((await attempt(username, USER_PASSWORD, newAddress())).status).toBe(200);
      expect([...errors, ...adminErrors].filter((e) => !/status of 4(01|29)/.test(e))).toEqual([]);
      await laptop.close();
    });
  });
});
