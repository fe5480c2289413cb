import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { type DeviceCredentials, SimulatedController } from '../device-sim/src';
import {
  collectPageErrors,
  type Lang,
  launchChromium,
  newContext,
  shot,
  signIn,
  type Size,
} from './support/browser';
import { contractElevators, createFleet, type Fleet } from './support/fleet.fixture';
import { provisionSimDevices } from './support/sim';
import { startTestApp, type TestApp, USER_PASSWORD } from './support/test-app';
import { waitFor } from './support/wait';

type Catalogue = Record<string, Record<string, string>>;
const catalogue = (lang: Lang): Catalogue =>
  JSON.parse(readFileSync(resolve(__dirname, `../apps/web/src/i18n/${lang}.json`), 'utf8')) as Catalogue;
const zh = catalogue('zh-CN');

interface Alarm {
  id: string;
  status: string;
  arrivalSource: string | null;
  releaseMethod: string | null;
  workOrder: { status: string } | null;
}

/**
 * The rescue as the dispatcher, the passenger and the technician live it, in a real browser: an
 * entrapment cannot be overlooked (the popup comes back, the sound repeats, the car is pinned), a
 * passenger's words reach the dispatcher, and the technician takes the job to completion on a phone.
 */
describe('rescue in the browser', () => {
  let t: TestApp;
  let baseUrl: string;
  let mqttUrl: string;
  let browser: Browser;
  let fleet: Fleet;
  let devices: DeviceCredentials[];
  let firm: string;
  const codes = new Map<string, string>();
  const contexts: BrowserContext[] = [];
  const controllers: SimulatedController[] = [];

  beforeAll(async () => {
    t = await startTestApp({ ALARM_ENTRAPMENT_SECONDS: '2', ALARM_SWEEP_MS: '200' });
    mqttUrl = `mqtt://127.0.0.1:${(await t.startBroker()).tcpPort}`;
    baseUrl = await t.listen();
    devices = await provisionSimDevices(t, baseUrl, 3);
    fleet = await createFleet(t);
    await contractElevators(
      t,
      fleet.orgs.firmA,
      devices.map((d) => d.elevatorId),
    );
    const admin = await t.adminToken();
    for (const d of devices) {
      const e = (await t.get(admin, `/elevators/${d.elevatorId}`).expect(200)).body as {
        registrationCode: string;
      };
      codes.set(d.elevatorId, e.registrationCode);
    }
    firm = await t.login(fleet.users.firmA);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const c of controllers) await c.stop().catch(() => undefined);
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await t.close();
  });

  const open = async (o: { size?: Size; lang?: Lang } = {}): Promise<Page> => {
    const context = await newContext(browser, baseUrl, o);
    // count the alarm sounds the page makes (Web Audio, one AudioContext per sound)
    await context.addInitScript(`
      window.__beeps = 0;
      const Real = window.AudioContext;
      window.AudioContext = class extends Real { constructor(...a) { super(...a); window.__beeps++; } };
    `);
    contexts.push(context);
    return context.newPage();
  };
  const trap = async (d: DeviceCredentials, seconds: number): Promise<SimulatedController> => {
    const c = new SimulatedController({
      url: mqttUrl,
      serial: d.serial,
      secret: d.secret,
      floors: d.floors,
      statusIntervalMs: 300,
      heartbeatIntervalMs: 1000,
      meterIntervalMs: 0,
      reportEvents: false,
    });
    controllers.push(c);
    await c.start();
    c.injectEntrapment(seconds);
    return c;
  };
  const openEntrapment = (elevatorId: string): Promise<{ id: string }> =>
    waitFor(
      async () =>
        (
          (await t.get(firm, `/alarms?elevatorId=${elevatorId}&type=entrapment&status=open`).expect(200))
            .body as {
            items: Array<{ id: string }>;
          }
        ).items[0],
      20_000,
      'an open entrapment',
    );
  const beeps = (page: Page): Promise<number> => page.evaluate<number>('window.__beeps');

  it('should bring the popup back after × and a reload until someone acknowledges, repeat the sound, and pin the trapped car', async () => {
    const d = devices[0];
    const code = codes.get(d.elevatorId) ?? '';
    const page = await open();
    const errors = collectPageErrors(page);
    await signIn(page, fleet.users.firmA, USER_PASSWORD);
    await trap(d, 600);
    const popup = page.getByTestId('entrapment-popup');
    await popup.waitFor({ timeout: 20_000 });
    const alarm = await openEntrapment(d.elevatorId);

    // × hides it for now …
    await page.locator('.ant-modal-close').click();
    await popup.waitFor({ state: 'hidden' });
    // … the sound goes on while nobody has acknowledged …
    const heard = await beeps(page);
    await waitFor(async () => (await beeps(page)) > heard, 12_000, 'the sound repeats');
    // … the menu carries the count, the car is pinned on top of the alarm list …
    await expect(page.getByTestId('entrapment-badge').first().textContent()).resolves.toMatch(/[1-9]/);
    const first = page.locator('tr[data-alarm]').first();
    await expect(first.getAttribute('data-alarm')).resolves.toBe(alarm.id);
    await expect(first.getAttribute('data-pinned')).resolves.toBe('true');
    // … and a reload brings the popup back, as does another screen
    await page.reload();
    await popup.waitFor({ timeout: 10_000 });
    await expect(popup.getAttribute('data-alarm')).resolves.toBe(alarm.id);
    await shot(page, 'entrapment-popup-after-reload-laptop-zh');
    await page.locator('.ant-modal-close').click();
    await page.goto('/fleet');
    await popup.waitFor({ timeout: 10_000 });
    await page.locator('.ant-modal-close').click();
    await popup.waitFor({ state: 'hidden' });
    // the trapped car is at the top of the fleet
    const top = page.locator('[role=row][data-elevator]').first();
    await expect(top.getAttribute('data-elevator')).resolves.toBe(d.elevatorId);
    await expect(top.textContent()).resolves.toContain(code);
    await shot(page, 'fleet-trapped-pinned-laptop-zh');

    // acknowledged (here by another dispatcher, through the API): the popup and the sound stop
    await t.post(firm, `/alarms/${alarm.id}/acknowledge`, { note: '另一调度已接警' }).expect(200);
    await page.goto('/alarms');
    await page.getByTestId('alarm-type-counts').waitFor();
    await page.reload();
    await page.getByTestId('alarm-type-counts').waitFor();
    await page.waitForTimeout(1000);
    expect(await popup.isVisible()).toBe(false);
    const after = await beeps(page);
    await page.waitForTimeout(9000);
    expect(await beeps(page)).toBe(after);
    expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
  });

  it('should put a passenger’s 有人被困 with their words and number in front of the dispatcher, on a phone too', async () => {
    const d = devices[1];
    const code = codes.get(d.elevatorId) ?? '';
    // the passenger, on the car's page
    const passenger = await open({ size: 'phone' });
    await passenger.goto(`/e/${code}`);
    await passenger.getByTestId('public-service').waitFor();
    await passenger.getByTestId('public-kind-trapped').click();
    await passenger.locator('textarea').fill('4楼和5楼之间，老人和孩子被困');
    await passenger.locator('input[inputmode=tel]').fill('13912340000');
    await passenger.getByTestId('public-report-submit').click();
    await passenger.getByTestId('public-report-sent').waitFor();

    // the dispatcher on a phone: the popup with the words and a number to tap
    const page = await open({ size: 'phone' });
    await signIn(page, fleet.users.firmA, USER_PASSWORD);
    const popup = page.getByTestId('entrapment-popup');
    await popup.waitFor({ timeout: 20_000 });
    const visible = (await popup.getAttribute('data-alarm')) ?? '';
    const mine = await openEntrapment(d.elevatorId);
    // (the first test's entrapment was acknowledged: this one is the only unacknowledged)
    expect(visible).toBe(mine.id);
    await popup.getByTestId('incident-reports').waitFor();
    await expect(popup.textContent()).resolves.toContain('4楼和5楼之间，老人和孩子被困');
    await expect(popup.getByTestId('callback-phone').getAttribute('href')).resolves.toBe('tel:13912340000');
    await shot(page, 'entrapment-popup-passenger-phone-zh');
    // the public page says the car is not in normal service
    await passenger.reload();
    await waitFor(
      async () =>
        (await passenger.getByTestId('public-service').getAttribute('data-status')) === 'fault' ||
        (await passenger.getByTestId('public-service').getAttribute('data-status')) === 'trapped',
      10_000,
      'the public page says the car is out of service',
    );
    await shot(passenger, 'public-page-trapped-phone-zh', true);
    await t.post(firm, `/alarms/${mine.id}/acknowledge`, {}).expect(200);
  });

  it('should show the drawer of a still-trapped car in English, and refuse a closure without the way out', async () => {
    const d = devices[0];
    const alarm = await openEntrapment(d.elevatorId); // acknowledged in the first test, still trapped
    const page = await open({ lang: 'en' });
    await signIn(page, fleet.users.firmA, USER_PASSWORD);
    await page.locator(`tr[data-alarm="${alarm.id}"]`).click();
    const drawer = page.getByTestId('alarm-drawer');
    await drawer.getByTestId('still-trapped').waitFor();
    await shot(page, 'alarm-drawer-still-trapped-laptop-en');
    await drawer.getByTestId('action-resolve').click();
    await page.getByTestId('still-trapped-warning').waitFor();
    // the form asks for the way out and a note before it sends anything
    await page.getByTestId('resolve-confirm').click();
    await page.locator('.ant-form-item-explain-error').first().waitFor();
    await shot(page, 'resolve-still-trapped-laptop-en');
    expect(((await t.get(firm, `/alarms/${alarm.id}`).expect(200)).body as Alarm).status).toBe(
      'acknowledged',
    );
    const phone = await open({ size: 'phone', lang: 'en' });
    await signIn(phone, fleet.users.techA, USER_PASSWORD);
    await phone.getByTestId('jobs-page').waitFor();
    await shot(phone, 'technician-jobs-phone-en', true);
  });

  it('should let a technician on a 390×844 phone take a dispatched rescue to completion', async () => {
    const d = devices[2];
    const code = codes.get(d.elevatorId) ?? '';
    const c = await trap(d, 600);
    const alarm = await openEntrapment(d.elevatorId);
    await t.post(firm, `/alarms/${alarm.id}/acknowledge`, {}).expect(200);
    await t
      .post(firm, `/alarms/${alarm.id}/dispatch`, {
        technicianId: fleet.userIds.techA,
        note: '带盘车工具，业主在 1 楼等候',
      })
      .expect(200);

    const page = await open({ size: 'phone' });
    const errors = collectPageErrors(page);
    await signIn(page, fleet.users.techA, USER_PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/t');
    const card = page.getByTestId('job-card').first();
    await card.waitFor();
    await expect(card.textContent()).resolves.toContain('带盘车工具');
    await shot(page, 'technician-job-assigned-phone-zh', true);
    const noScroll = (): Promise<number> =>
      page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    await expect(noScroll()).resolves.toBe(0);

    await card.getByTestId('job-accept').click();
    await card.getByTestId('job-depart').waitFor();
    await card.getByTestId('job-depart').click();
    await waitFor(async () => (await card.getAttribute('data-status')) === 'en_route', 10_000, 'en route');
    await shot(page, 'technician-job-en-route-phone-zh', true);
    // 到场: the car's code, as the QR code in the car gives it
    await card.getByTestId('job-arrive').click();
    await page.getByTestId('scan-code-input').fill(code);
    await page.getByTestId('scan-code-input').press('Enter');
    await page.waitForURL((u) => u.pathname === `/t/${code}`);
    await page.getByTestId('technician-check-in').first().click();
    await page.getByTestId('technician-arrived').waitFor();
    const onSite = (await t.get(firm, `/alarms/${alarm.id}`).expect(200)).body as Alarm;
    expect(onSite).toMatchObject({
      status: 'on_site',
      arrivalSource: 'check_in',
      workOrder: { status: 'on_site' },
    });

    // the technician frees the passenger; the car moves to a floor; then 完成 with the way out
    c.injectEntrapment(0);
    await waitFor(
      async () =>
        !((await t.get(firm, `/alarms/${alarm.id}`).expect(200)).body as { carStillReports: boolean })
          .carStillReports,
      10_000,
      'the car released',
    );
    await page.getByTestId('technician-finish').first().click();
    await page.getByTestId('release-technician').click();
    await page.getByTestId('resolve-note').fill('手动盘车至 2 楼，乘客安全离开');
    await shot(page, 'technician-finish-phone-zh', true);
    await page.getByTestId('resolve-confirm').click();
    await waitFor(
      async () =>
        ((await t.get(firm, `/alarms/${alarm.id}`).expect(200)).body as Alarm).status === 'resolved',
      10_000,
      'resolved',
    );
    const done = (await t.get(firm, `/alarms/${alarm.id}`).expect(200)).body as Alarm;
    expect(done).toMatchObject({ releaseMethod: 'technician', workOrder: { status: 'done' } });
    await page.goto('/t');
    await page.getByText(zh.jobs.none).waitFor();
    await shot(page, 'technician-jobs-done-phone-zh', true);
    await expect(noScroll()).resolves.toBe(0);
    expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
  });
});
