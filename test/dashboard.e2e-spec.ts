import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { type DeviceCredentials, SimulatedController } from '../device-sim/src';
import {
  ARTIFACTS,
  collectPageErrors,
  dismissEntrapmentPopups,
  type Lang,
  launchChromium,
  newContext,
  shot,
  signIn,
  type Size,
} from './support/browser';
import {
  contractElevators,
  createFleet,
  type Fleet,
  type FleetUser,
  insurancePolicy,
} from './support/fleet.fixture';
import { idleStatusPayload, provisionSimDevices } from './support/sim';
import { ADMIN_PASSWORD, startTestApp, type TestApp, USER_PASSWORD } from './support/test-app';
import { waitFor } from './support/wait';

type Catalogue = Record<string, Record<string, string>>;
const catalogue = (lang: Lang): Catalogue =>
  JSON.parse(readFileSync(resolve(__dirname, `../apps/web/src/i18n/${lang}.json`), 'utf8')) as Catalogue;
const zh = catalogue('zh-CN');
/** A one-pixel PNG: what a phone's camera would send, as small as it gets. */
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);
const en = catalogue('en');

/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core) against the real
 * platform — PostgreSQL, the MQTT broker, simulated controllers — serving the built web app.
 */
describe('dashboard (browser)', () => {
  let t: TestApp;
  let baseUrl: string;
  let mqttUrl: string;
  let browser: Browser;
  let fleet: Fleet;
  let devices: DeviceCredentials[];
  const codes = new Map<string, string>(); // elevator id → registration code
  const contexts: BrowserContext[] = [];
  const controllers: SimulatedController[] = [];
  const timers: NodeJS.Timeout[] = [];

  beforeAll(async () => {
    // a database of its own: the admin's screens here would otherwise get the rescue popups of
    // entrapments other files raise meanwhile, taking the focus from the select being typed into
    t = await startTestApp({ ALARM_ENTRAPMENT_SECONDS: '2', ALARM_SWEEP_MS: '200' }, { ownDatabase: true });
    mqttUrl = `mqtt://127.0.0.1:${(await t.startBroker()).tcpPort}`;
    baseUrl = await t.listen();
    devices = await provisionSimDevices(t, baseUrl, 2);
    fleet = await createFleet(t);
    await contractElevators(
      t,
      fleet.orgs.firmA,
      devices.map((d) => d.elevatorId),
    );
    const admin = await t.adminToken();
    for (const id of [...devices.map((d) => d.elevatorId), ...Object.values(fleet.elevators)]) {
      const e = (await t.get(admin, `/elevators/${id}`).expect(200)).body as { registrationCode: string };
      codes.set(id, e.registrationCode);
    }
    // A maintenance visit on the first simulated elevator, signed by firm A's technicians.
    const firmA = await t.login(fleet.users.firmA);
    const checklist = (await t.get(firmA, '/maintenance/checklist?level=half_month&limit=500').expect(200))
      .body as {
      items: Array<{ code: string }>;
    };
    const arrived = new Date(Date.now() - 3 * 3_600_000);
    await t
      .post(firmA, `/elevators/${devices[0]?.elevatorId}/maintenance-records`, {
        kind: 'routine',
        level: 'half_month',
        arrivedAt: arrived.toISOString(),
        departedAt: new Date(arrived.getTime() + 50 * 60_000).toISOString(),
        technicians: [
          { name: '李建国', certificateNumber: 'T1-4401-2018-0312' },
          { name: '陈志强', certificateNumber: 'T1-4401-2020-0877' },
        ],
        items: checklist.items.map((i, n) =>
          n === 1
            ? { code: i.code, result: 'adjusted', note: '制动器间隙调整至 0.5 mm' }
            : { code: i.code, result: 'ok' },
        ),
      })
      .expect(201);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const x of timers) clearInterval(x);
    for (const c of controllers) await c.stop().catch(() => undefined);
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await t.close();
  });

  const open = async (o: { size?: Size; lang?: Lang } = {}): Promise<Page> => {
    const context = await newContext(browser, baseUrl, o);
    contexts.push(context);
    return context.newPage();
  };
  /**
   * The admin screens here are filled in while this file's own entrapments are open: someone
   * acknowledges them first, or their popups (which come back until acknowledged) would take the
   * focus from the form being typed into.
   */
  const acknowledgeOpenAlarms = async (): Promise<void> => {
    const admin = await t.adminToken();
    const open = (await t.get(admin, '/alarms?status=open&limit=500').expect(200)).body as {
      items: Array<{ id: string }>;
    };
    for (const a of open.items) await t.post(admin, `/alarms/${a.id}/acknowledge`, { note: 'test' });
  };
  /** Waits for an opening dialog to finish its animation (it takes the focus when done). */
  const dialogSettled = async (page: Page): Promise<void> => {
    await page
      .locator('.ant-modal[class*="zoom-appear"], .ant-modal[class*="zoom-enter"]')
      .first()
      .waitFor({ state: 'detached' });
  };
  const passwordOf = (u: FleetUser): string => (u === 'admin' ? ADMIN_PASSWORD : USER_PASSWORD);
  const usernameOf = (u: FleetUser): string => fleet.users[u];
  const controller = async (d: DeviceCredentials): Promise<SimulatedController> => {
    const c = new SimulatedController({
      url: mqttUrl,
      serial: d.serial,
      secret: d.secret,
      floors: d.floors,
      periodic: false,
      reportEvents: false,
    });
    controllers.push(c);
    await c.start();
    return c;
  };
  const publishStatus = async (c: SimulatedController, floor: number): Promise<void> =>
    c.publishRaw(c.topic('status'), idleStatusPayload(c.nextSeq(), floor));

  it('should show each role only what the API lets it see, from its own home screen', async () => {
    const e1 = codes.get(fleet.elevators.e1) ?? '';
    const e3 = codes.get(fleet.elevators.e3) ?? '';
    const cases: Array<{ user: FleetUser; home: string; menu: string[]; sees: string[]; notSees: string[] }> =
      [
        {
          user: 'firmA',
          home: '/alarms',
          menu: ['alarms', 'fleet', 'maintenance'],
          sees: [e1],
          notSees: [e3],
        },
        {
          user: 'firmB',
          home: '/alarms',
          menu: ['alarms', 'fleet', 'maintenance'],
          sees: [e3],
          notSees: [e1],
        },
        {
          user: 'regulatorGz',
          home: '/oversight',
          menu: ['alarms', 'fleet', 'oversight'],
          sees: [e1],
          notSees: [e3],
        },
        {
          user: 'regulatorHz',
          home: '/oversight',
          menu: ['alarms', 'fleet', 'oversight'],
          sees: [e3],
          notSees: [e1],
        },
        {
          user: 'owner1',
          home: '/home',
          menu: ['home', 'project', 'fleet', 'statements'],
          sees: [e1],
          notSees: [e3],
        },
        { user: 'insurerB', home: '/claims', menu: ['fleet', 'claims'], sees: [e3], notSees: [e1] },
        {
          user: 'admin',
          home: '/fleet',
          menu: ['project', 'alarms', 'fleet', 'maintenance', 'statements', 'claims', 'oversight', 'admin'],
          sees: [e1, e3],
          notSees: [],
        },
      ];
    for (const c of cases) {
      const page = await open();
      const errors = collectPageErrors(page);
      await signIn(page, usernameOf(c.user), passwordOf(c.user));
      expect(new URL(page.url()).pathname).toBe(c.home);
      // The menu offers the role's screens and no others.
      const menu = await page.locator('.ant-layout-sider .ant-menu-item').allTextContents();
      // (an item may carry a count badge: open entrapments on 告警处置)
      expect(menu.map((m) => m.replace(/\d+$/, ''))).toEqual(c.menu.map((k) => zh.nav[k]));
      // The fleet screen lists exactly the API's answer for this user.
      const token = await t.login(usernameOf(c.user), passwordOf(c.user));
      const api = (await t.get(token, '/fleet?limit=1').expect(200)).body as { total: number };
      await page.goto('/fleet');
      await expect(page.getByTestId('count-all').textContent()).resolves.toContain(String(api.total));
      for (const code of c.sees) {
        await page.locator('input[data-testid=fleet-search], [data-testid=fleet-search] input').fill(code);
        await page.locator('[role=row][data-elevator]', { hasText: code }).waitFor();
      }
      for (const code of c.notSees) {
        await page.locator('input[data-testid=fleet-search], [data-testid=fleet-search] input').fill(code);
        await page.getByText(zh.fleet.none).waitFor();
      }
      // A screen of another role sends the user home rather than showing refusals.
      if (!c.menu.includes('admin')) {
        await page.goto('/admin');
        await page.waitForURL((u) => u.pathname === c.home);
      }
      // Another role's elevator, opened by its address, is "not found", not shown.
      if (c.notSees.length > 0) {
        const hidden = [...codes.entries()].find(([, code]) => code === c.notSees[0])?.[0];
        await page.goto(`/elevators/${hidden}`);
        await page.getByText(zh.elevator.notFound).waitFor();
      }
      expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
      await page.context().close();
    }
  });

  it('should move a car on the fleet screen when its controller reports a new floor, without a reload', async () => {
    const d = devices[1];
    const code = codes.get(d.elevatorId) ?? '';
    const c = await controller(d);
    await publishStatus(c, 1);
    const page = await open();
    await signIn(page, usernameOf('firmA'), USER_PASSWORD);
    await page.goto('/fleet');
    const row = page.locator(`[role=row][data-elevator="${d.elevatorId}"]`);
    await expect(row.getByTestId('floor').textContent()).resolves.toMatch(/^1/);
    const loads = { count: 0 };
    page.on('framenavigated', () => loads.count++);
    await publishStatus(c, 5);
    await waitFor(
      async () => /^5/.test((await row.getByTestId('floor').textContent()) ?? ''),
      10_000,
      'floor 5',
    );
    await publishStatus(c, 3);
    await waitFor(
      async () => /^3/.test((await row.getByTestId('floor').textContent()) ?? ''),
      10_000,
      'floor 3',
    );
    expect(loads.count).toBe(0);
    await expect(row.textContent()).resolves.toContain(code);
  });

  it('should raise a popup for an entrapment on the alarm panel, and take it from acknowledged to resolved', async () => {
    const d = devices[0];
    const code = codes.get(d.elevatorId) ?? '';
    const c = await controller(d);
    await publishStatus(c, 2);
    const page = await open();
    const errors = collectPageErrors(page);
    await signIn(page, usernameOf('firmA'), USER_PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/alarms');
    await page.getByTestId('alarm-type-counts').waitFor();

    c.injectEntrapment(4);
    const sampler = setInterval(() => c.sampleStatus(), 300);
    timers.push(sampler);
    // The popup, over whatever is on screen, with the place and the rescue countdown.
    const popup = page.getByTestId('entrapment-popup');
    await popup.waitFor({ timeout: 20_000 });
    const token = await t.login(usernameOf('firmA'), USER_PASSWORD);
    const item = (
      (await t.get(token, `/fleet?q=${code}`).expect(200)).body as { items: Array<{ community: string }> }
    ).items[0];
    await expect(popup.textContent()).resolves.toContain(item?.community ?? code);
    await expect(page.locator('.ant-modal-title').textContent()).resolves.toBe(zh.entrapment.title);
    // The alarm panel got the new alarm without a reload.
    const row = page.locator('tr[data-alarm]', { hasText: code });
    await row.waitFor({ timeout: 10_000 });
    await shot(page, 'entrapment-popup-laptop-zh');

    await page.getByTestId('popup-acknowledge').click();
    const drawer = page.getByTestId('alarm-drawer');
    await drawer.waitFor();
    await waitFor(
      async () => (await drawer.getByTestId('alarm-status').textContent()) === zh.alarmStatus.acknowledged,
      10_000,
      'acknowledged',
    );
    const timeline = drawer.getByTestId('alarm-timeline');
    // the timeline names the person and the role, not the account
    await expect(timeline.textContent()).resolves.toContain(`firmA（${zh.roles.firm}）`);
    clearInterval(sampler);

    // Dispatch to a named technician (the suggested one is picked), then resolve with the way out.
    await drawer.getByTestId('action-dispatch').click();
    await page.getByTestId('technician-option').first().waitFor();
    await shot(page, 'dispatch-technician-laptop-zh');
    await page.getByTestId('dispatch-confirm').click();
    await waitFor(
      async () => (await drawer.getByTestId('alarm-status').textContent()) === zh.alarmStatus.dispatched,
      10_000,
      'dispatched',
    );
    await expect(drawer.getByTestId('work-order').textContent()).resolves.toContain('techA');
    // an office click is no arrival at a rescue: there is no 到场 button for it
    expect(await drawer.getByTestId('action-on-site').count()).toBe(0);
    await drawer.getByTestId('action-resolve').click();
    await page.getByTestId('release-technician').click();
    await page.getByTestId('resolve-note').fill('乘客已安全救出，门机复位');
    await shot(page, 'resolve-way-out-laptop-zh');
    await page.getByTestId('resolve-confirm').click();
    await waitFor(
      async () => (await drawer.getByTestId('alarm-status').textContent()) === zh.alarmStatus.resolved,
      10_000,
      'resolved',
    );
    // (the live status can land a moment before the refetched timeline)
    await waitFor(
      async () => (await timeline.textContent())?.includes('乘客已安全救出'),
      10_000,
      'the resolution note in the timeline',
    );
    await shot(page, 'alarm-resolved-laptop-zh');

    // The platform agrees: who did each step.
    const alarms = (await t.get(token, `/alarms?elevatorId=${d.elevatorId}&type=entrapment`).expect(200))
      .body as {
      items: Array<{ id: string; status: string }>;
    };
    const alarm = (await t.get(token, `/alarms/${alarms.items[0]?.id}`).expect(200)).body as {
      status: string;
      timeline: Array<{ kind: string; actor: string }>;
    };
    expect(alarm.status).toBe('resolved');
    const steps = alarm.timeline.filter((e) => e.actor === usernameOf('firmA')).map((e) => e.kind);
    expect(steps).toEqual(expect.arrayContaining(['acknowledged', 'dispatched', 'resolved']));
    expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
  });

  it('should download the regulator’s overdue list as xlsx and csv, with what the screen shows', async () => {
    const page = await open();
    await signIn(page, usernameOf('regulatorGz'), USER_PASSWORD);
    await page.getByTestId('overdue-inspections').waitFor();
    const e1 = codes.get(fleet.elevators.e1) ?? '';
    const token = await t.login(usernameOf('regulatorGz'), USER_PASSWORD);
    const overdue = (await t.get(token, '/oversight/overdue').expect(200)).body as {
      maintenance: Array<{ registrationCode: string }>;
    };
    expect(overdue.maintenance.map((m) => m.registrationCode)).toContain(e1);

    for (const format of ['xlsx', 'csv'] as const) {
      await page.getByTestId('export').hover();
      const item = page.getByText(zh.oversight[format === 'xlsx' ? 'exportXlsx' : 'exportCsv']);
      await item.waitFor();
      const [download] = await Promise.all([page.waitForEvent('download'), item.click()]);
      expect(download.suggestedFilename()).toMatch(new RegExp(`\\.${format}$`));
      const file = join(ARTIFACTS, `overdue-regulator.${format}`);
      await download.saveAs(file);
      let text: string;
      if (format === 'xlsx') {
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.readFile(file);
        const cells: string[] = [];
        for (const ws of wb.worksheets) ws.eachRow((row) => row.eachCell((cell) => cells.push(cell.text)));
        text = cells.join('|');
      } else {
        text = readFileSync(file, 'utf8');
      }
      expect(text).toContain(e1);
      expect(text).not.toContain(codes.get(fleet.elevators.e3) ?? 'none');
    }
  });

  it('should open a maintenance record from the plan: checklist results, technicians, IoT verdict, chain', async () => {
    const page = await open();
    await signIn(page, usernameOf('firmA'), USER_PASSWORD);
    await page.goto('/maintenance');
    await page.locator('[data-record]').first().click();
    const drawer = page.getByTestId('record-drawer');
    await drawer.waitFor();
    const text = (await drawer.textContent()) ?? '';
    expect(text).toContain('李建国');
    expect(text).toContain('T1-4401-2018-0312');
    expect(text).toContain('制动器间隙调整至 0.5 mm');
    expect(text).toContain(zh.itemResult.adjusted);
    // No telemetry while the technicians were there: the record says so rather than "verified".
    await expect(drawer.locator('[data-iot]').first().getAttribute('data-iot')).resolves.toBe('noData');
    await shot(page, 'record-drawer-laptop-zh');
  });

  it('should let an admin put an elevator under a firm’s contract, after which the firm sees it', async () => {
    const admin = await t.adminToken();
    const e2 = (await t.get(admin, `/elevators/${fleet.elevators.e2}`).expect(200)).body as {
      registrationCode: string;
    };
    const unit = (await t.get(admin, `/units/${fleet.units.u2}`).expect(200)).body as {
      name: string;
      floorCount: number;
    };
    const building = (await t.get(admin, `/buildings/${fleet.buildings.gz}`).expect(200)).body as {
      community: string;
      name: string;
    };
    const firmB = await t.login(usernameOf('firmB'));
    const before = (await t.get(firmB, `/fleet?q=${e2.registrationCode}`).expect(200)).body as {
      total: number;
    };
    expect(before.total).toBe(0);

    const page = await open();
    await acknowledgeOpenAlarms();
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.goto('/admin');
    await dismissEntrapmentPopups(page);
    await page.getByRole('tab', { name: zh.admin.contracts }).click();
    await page.getByTestId('admin-add').last().click();
    const modal = page.getByRole('dialog');
    await modal.waitFor();
    await dialogSettled(page);
    const choose = async (label: string, option: string): Promise<void> => {
      await modal.locator('.ant-form-item', { hasText: label }).locator('.ant-select').click();
      // as an admin does among thousands: type the first word, then pick (buildings are searched
      // on the server by community or name)
      await page.keyboard.type(option.split(' ')[0] ?? option);
      await page
        .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option })
        .first()
        .click();
    };
    await choose(zh.admin.building, `${building.community} ${building.name}`);
    await choose(zh.admin.unitName, `${unit.name} (${unit.floorCount})`);
    await choose(zh.admin.elevators, e2.registrationCode);
    await page.keyboard.press('Escape');
    await choose(zh.elevator.firm, `Firm B ${fleet.suffix}`);
    const field = (label: string) =>
      modal.locator('.ant-form-item', { hasText: label }).locator('input').first();
    const number = `WB-UI-${fleet.suffix}`;
    await field(zh.elevator.contractNo).fill(number);
    await field(zh.admin.ownersRepresentative).fill('业主代表 王五');
    await field(zh.admin.signedOn).fill('2026-01-01');
    await field(zh.admin.startsOn).fill('2026-01-01');
    await field(zh.admin.endsOn).fill('2027-12-31');
    await field(zh.admin.annualFeeYuan).fill('3600');
    await shot(page, 'admin-contract-form-laptop-zh');
    // (antd puts a space between two Chinese characters on a button: 创 建)
    await modal.getByRole('button', { name: new RegExp(`^${[...zh.admin.create].join('\\s*')}$`) }).click();
    await modal.waitFor({ state: 'hidden' });
    // Found by searching, wherever it falls among the other contracts.
    const search = page.getByRole('tabpanel').getByPlaceholder(zh.admin.searchContracts);
    await search.fill(number);
    await search.press('Enter');
    const rows = page.getByRole('tabpanel').locator('.ant-table-row');
    await waitFor(
      async () => (await rows.count()) === 1 && (await rows.first().textContent())?.includes(number),
      10_000,
      'the contract alone in the search result',
    );

    const after = (await t.get(firmB, `/fleet?q=${e2.registrationCode}`).expect(200)).body as {
      items: Array<{ elevatorId: string }>;
    };
    expect(after.items.map((i) => i.elevatorId)).toEqual([fleet.elevators.e2]);
    const contracts = (
      await t.get(admin, `/maintenance/contracts?elevatorId=${fleet.elevators.e2}`).expect(200)
    ).body as {
      items: Array<{ contractNumber: string; annualFeeFen: number; firmId: string }>;
    };
    expect(contracts.items[0]).toMatchObject({
      contractNumber: number,
      annualFeeFen: 360000,
      firmId: fleet.orgs.firmB,
    });
  });

  it('should let an admin register a flat’s owner and give them a login that sees their unit’s elevator', async () => {
    const admin = await t.adminToken();
    const building = (await t.get(admin, `/buildings/${fleet.buildings.gz}`).expect(200)).body as {
      community: string;
      name: string;
    };
    const unit = (await t.get(admin, `/units/${fleet.units.u2}`).expect(200)).body as { name: string };
    const flat = (await t.get(admin, `/flats/${fleet.flats.f2}`).expect(200)).body as { number: string };
    const ownerName = `业主${fleet.suffix}`;
    const username = `owner-ui.${fleet.suffix}`;

    const page = await open();
    await acknowledgeOpenAlarms();
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.goto('/admin');
    await dismissEntrapmentPopups(page);
    await page.getByRole('tab', { name: zh.admin.unitsFlats }).click();
    const panel = page.getByRole('tabpanel');
    await panel.locator('.ant-select').first().click();
    await page.keyboard.type(building.community);
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option', {
        hasText: `${building.community} ${building.name}`,
      })
      .first()
      .click();
    await panel.locator('.ant-table-row', { hasText: unit.name }).locator('input[type=radio]').check();
    await panel.locator('.ant-table-row', { hasText: flat.number }).locator('input[type=radio]').check();
    await panel.getByTestId('set-owners').click();
    const dialog = page.getByRole('dialog');
    const field = (label: string) =>
      dialog.locator('.ant-form-item', { hasText: label }).locator('input').first();
    await field(zh.admin.effectiveFrom).fill('2026-02-01');
    await field(zh.admin.ownerName).fill(ownerName);
    await field(zh.admin.phone).fill('13800138000');
    const create = new RegExp(`^${[...zh.admin.create].join('\\s*')}$`);
    await dialog.getByRole('button', { name: create }).click();
    await panel.locator('.ant-table-row', { hasText: ownerName }).waitFor();
    await dialog.waitFor({ state: 'hidden' });
    await shot(page, 'admin-owners-laptop-zh');

    await page.getByRole('tab', { name: zh.admin.users }).click();
    await page.getByRole('tabpanel').getByTestId('admin-add').click();
    // the role: on a slow machine the dialog, still opening, takes the focus back and closes a
    // dropdown opened too early — wait for the form, and pick again if the pick did not take
    await field(zh.auth.username).waitFor();
    await dialogSettled(page);
    const roleSelect = dialog.locator('.ant-form-item', { hasText: zh.admin.role }).locator('.ant-select');
    for (let i = 0; i < 5; i += 1) {
      await roleSelect.click();
      const clicked = await page
        .locator('.ant-select-dropdown:visible .ant-select-item-option', {
          hasText: new RegExp(`^${zh.roles.owner}$`),
        })
        .click({ timeout: 5_000 })
        .then(() => true)
        .catch(() => false);
      if (!clicked) continue;
      const picked = await roleSelect
        .locator('.ant-select-selection-item', { hasText: zh.roles.owner })
        .waitFor({ timeout: 3_000 })
        .then(() => true)
        .catch(() => false);
      if (picked) break;
    }
    await field(zh.auth.username).fill(username);
    await field(zh.admin.displayName).fill(ownerName);
    await field(zh.auth.password).fill('owner-password-123');
    await dialog.locator(`.ant-form-item:has(label[title="${zh.admin.ownerId}"]) .ant-select`).click();
    await page.keyboard.type(ownerName); // owners are searched on the server by name
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: ownerName })
      .first()
      .click();
    await dialog.getByRole('button', { name: create }).click();
    await dialog.waitFor({ state: 'hidden' });
    // Found by searching, wherever it falls among the other users.
    const search = page.getByRole('tabpanel').getByPlaceholder(zh.admin.searchUsers);
    await search.fill(username);
    await search.press('Enter');
    const rows = page.getByRole('tabpanel').locator('.ant-table-row');
    await waitFor(
      async () => (await rows.count()) === 1 && (await rows.first().textContent())?.includes(username),
      10_000,
      'the user alone in the search result',
    );
    await shot(page, 'admin-users-search-laptop-zh');

    // The new owner signs in and sees the elevator of their unit, and nothing else.
    const token = await t.login(username, 'owner-password-123');
    const fleetOfOwner = (await t.get(token, '/fleet?limit=50').expect(200)).body as {
      items: Array<{ elevatorId: string }>;
    };
    expect(fleetOfOwner.items.map((i) => i.elevatorId)).toEqual([fleet.elevators.e2]);
  });

  it('should open the public page of a car’s code on a phone without a login, show nothing personal, and take a report to the firm', async () => {
    const code = codes.get(fleet.elevators.e1) ?? '';
    const page = await open({ size: 'phone' });
    const errors = collectPageErrors(page);
    await page.goto(`/e/${code}`);
    await page.getByTestId('public-code').waitFor();
    await expect(page.getByTestId('public-code').textContent()).resolves.toBe(code);
    await expect(page.getByTestId('public-firm').textContent()).resolves.toBe(`Firm A ${fleet.suffix}`);
    await expect(page.getByTestId('public-hotline').getAttribute('href')).resolves.toMatch(/^tel:/);
    const admin = await t.adminToken();
    const owner = (await t.get(admin, `/owners/${fleet.owners.o1}`).expect(200)).body as {
      name: string;
      phone: string;
    };
    const body = (await page.locator('body').textContent()) ?? '';
    expect(body).not.toContain(owner.name);
    expect(body).not.toContain(owner.phone);
    expect(new URL(page.url()).pathname).toBe(`/e/${code}`); // not sent to the login page
    await shot(page, 'public-phone-zh-CN', true);
    await expect(
      page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth'),
    ).resolves.toBe(0);

    await page.getByTestId('public-kind-stopped').click();
    await page.locator('textarea').fill('电梯停在 5 楼，按钮没反应');
    await page.getByTestId('public-report-submit').click();
    await page.getByTestId('public-report-sent').waitFor();
    await shot(page, 'public-report-sent-phone-zh-CN');
    const firmA = await t.login(usernameOf('firmA'), USER_PASSWORD);
    const alarms = (
      await t.get(firmA, `/alarms?elevatorId=${fleet.elevators.e1}&type=passenger_report`).expect(200)
    ).body as { items: Array<{ id: string }> };
    expect(alarms.items).toHaveLength(1);

    await page.reload();
    await page.getByTestId('lang-switch').getByText('EN').click();
    await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
    await page.getByTestId('public-kind-trapped').click();
    await shot(page, 'public-phone-en', true);
    const english = (await page.locator('body').textContent()) ?? '';
    expect(english).toContain(en.public.trappedTitle);
    expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);

    const laptop = await open({ size: 'laptop' });
    await laptop.goto(`/e/${code}`);
    await laptop.getByTestId('public-code').waitFor();
    await shot(laptop, 'public-laptop-zh-CN');
    await laptop.goto('/e/not-a-code');
    await laptop.getByText(zh.public.notFound).waitFor();
  });

  it('should let a technician scan the car’s code on a phone during an entrapment, sign in, and check in on site', async () => {
    const d = devices[1];
    const code = codes.get(d?.elevatorId ?? '') ?? '';
    if (!d) throw new Error('two simulated devices expected');
    const c = await controller(d);
    await publishStatus(c, 3);
    c.injectEntrapment(60);
    const sampler = setInterval(() => c.sampleStatus(), 300);
    timers.push(sampler);
    const firmA = await t.login(usernameOf('firmA'), USER_PASSWORD);
    const alarm = await waitFor(
      async () =>
        (
          (await t.get(firmA, `/alarms?elevatorId=${d.elevatorId}&type=entrapment&status=open`).expect(200))
            .body as {
            items: Array<{ id: string; arrivedAt: string | null }>;
          }
        ).items[0],
      20_000,
      'an open entrapment',
    );
    expect(alarm.arrivedAt).toBeNull();

    // The car's code → the public page → the technicians' way in → sign in → this elevator.
    const page = await open({ size: 'phone' });
    await page.goto(`/e/${code}`);
    await page.getByTestId('public-technician').click();
    await page.waitForURL((u) => u.pathname === '/login');
    await page.getByTestId('login-username').fill(usernameOf('firmA'));
    await page.getByTestId('login-password').fill(USER_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('technician-page').waitFor({ timeout: 20_000 });
    expect(new URL(page.url()).pathname).toBe(`/t/${code}`);
    await page.getByTestId('technician-alarm').first().waitFor();
    await shot(page, 'technician-phone-zh-CN', true);
    await expect(
      page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth'),
    ).resolves.toBe(0);

    const before = Date.now();
    await page.getByTestId('technician-check-in').first().click();
    await page.getByTestId('technician-arrived').waitFor();
    await shot(page, 'technician-checked-in-phone-zh-CN', true);
    clearInterval(sampler);

    // The platform recorded the arrival: the check-in's time, by this technician, with the code.
    const after = (await t.get(firmA, `/alarms/${alarm.id}`).expect(200)).body as {
      arrivedAt: string | null;
      arrivalSource: string | null;
      status: string;
      arrivals: Array<{ source: string; recordedBy: string }>;
    };
    expect(after.arrivalSource).toBe('check_in');
    expect(after.status).toBe('on_site');
    expect(Date.parse(after.arrivedAt ?? '')).toBeGreaterThanOrEqual(before - 1000);
    expect(after.arrivals.map((a) => a.source)).toContain('check_in');
  });

  it('should show an owner their unit’s monthly statements, the chart and their own share, and never a neighbour’s', async () => {
    const admin = await t.adminToken();
    // a neighbour in the same unit, then the unit's project through to operation, and two months
    const flat = (
      await t
        .post(admin, '/flats', { unitId: fleet.units.u1, number: '102', floor: 1, areaM2: 80 })
        .expect(201)
    ).body as { id: string };
    const neighbour = `邻居${fleet.suffix}`;
    await t
      .http()
      .put(`/api/v1/flats/${flat.id}/owners`)
      .auth(admin, { type: 'bearer' })
      .send({ effectiveFrom: '2020-01-01', owners: [{ name: neighbour, sharePercent: 100 }] })
      .expect(200);
    const project = (
      await t.post(admin, '/projects', { unitId: fleet.units.u1, name: '加装电梯' }).expect(201)
    ).body as {
      id: string;
    };
    const phase = (p: string, on: string) =>
      t.post(admin, `/projects/${project.id}/phase`, { phase: p, on }).expect(200);
    await phase('consent_vote', '2021-01-10');
    await t
      .post(admin, `/projects/${project.id}/ballots`, {
        ballots: [fleet.flats.f1, flat.id].map((flatId) => ({ flatId, answer: 'agree' })),
      })
      .expect(200);
    await t
      .post(admin, `/projects/${project.id}/agreement`, {
        signedOn: '2021-01-20',
        constructionBudgetFen: 60_000_000,
        constructionScheme: { kind: 'area' },
        runningScheme: { kind: 'area' },
        operatingModel: 'owner_run',
      })
      .expect(201); // a new version of the agreement
    await phase('agreement_published', '2021-01-25');
    await phase('joint_review', '2021-02-01');
    await phase('construction', '2021-03-01');
    await phase('acceptance', '2021-06-01');
    await phase('in_operation', '2021-06-18');
    for (const month of ['2026-09', '2026-10'])
      await t.post(admin, `/projects/${project.id}/statements`, { month }).expect(201);

    const page = await open({ size: 'phone' });
    await signIn(page, usernameOf('owner1'), USER_PASSWORD);
    await page.goto('/statements');
    await page.getByTestId('statement-detail').waitFor();
    await page.getByTestId('statements-chart').waitFor();
    const ownerToken = await t.login(usernameOf('owner1'), USER_PASSWORD);
    const statements = (await t.get(ownerToken, '/statements?limit=24').expect(200)).body as {
      items: Array<{ month: string; totalFen: number; allocations: Array<{ flatId: string }> }>;
    };
    expect(statements.items.map((s) => s.month)).toEqual(['2026-10', '2026-09']);
    expect(statements.items.every((s) => s.allocations.every((a) => a.flatId === fleet.flats.f1))).toBe(true);
    const text = (await page.getByTestId('statement-detail').textContent()) ?? '';
    expect(text).toContain('2026-10');
    expect(text).not.toContain(neighbour);
    expect(text).not.toContain('102');
    // the owner's share with its working, to check by hand (the unit splits by area: 78.5 of 158.5 m²)
    await expect(page.getByTestId('statement-working').textContent()).resolves.toContain(
      '本户面积 78.5 m² ÷ 总面积 158.5 m²',
    );
    await shot(page, 'statements-phone-zh-CN', true);
    const laptop = await open({ size: 'laptop', lang: 'en' });
    await signIn(laptop, usernameOf('owner1'), USER_PASSWORD);
    await laptop.goto('/statements');
    await laptop.getByTestId('statement-detail').waitFor();
    await shot(laptop, 'statements-laptop-en', true);
  });

  it('should let an insurer take a claim through its stages, with the evidence chart the elevator froze', async () => {
    const admin = await t.adminToken();
    const elevatorId = devices[0]?.elevatorId ?? '';
    const e = (await t.get(admin, `/elevators/${elevatorId}`).expect(200)).body as { unitId: string };
    // insurer A insures the first simulated elevator (it has telemetry and an entrapment behind it)
    const policy = (
      await t
        .post(admin, '/insurance/policies', insurancePolicy(fleet.orgs.insurerA, e.unitId, [elevatorId]))
        .expect(201)
    ).body as { id: string };
    // the car's own data around the incident
    const c = await controller(devices[0]);
    const since = new Date(Date.now() - 1000).toISOString();
    for (const floor of [1, 2, 3, 2]) await publishStatus(c, floor);
    await waitFor(
      async () =>
        (
          (await t.get(admin, `/elevators/${elevatorId}/telemetry?from=${since}`).expect(200)).body as {
            total: number;
          }
        ).total >= 4,
      10_000,
      'the samples stored',
    );
    const filed = (
      await t
        .post(admin, '/claims', {
          policyId: policy.id,
          elevatorId,
          incidentAt: new Date().toISOString(),
          incidentType: 'entrapment',
          description: '两名乘客被困轿厢约 5 分钟',
          peopleAffected: 2,
        })
        .expect(201)
    ).body as { id: string; claimNumber: string };

    const page = await open();
    await signIn(page, usernameOf('insurerA'), USER_PASSWORD);
    await page.goto('/claims');
    await page.locator(`[data-claim="${filed.claimNumber}"]`).click();
    const drawer = page.getByTestId('claim-drawer');
    await drawer.waitFor();
    await page.getByTestId('claim-evidence-chart').waitFor();
    await page.waitForTimeout(500); // the drawer's slide-in, before the screenshot
    await shot(page, 'claim-laptop-zh-CN');
    const status = drawer.getByTestId('claim-status');
    for (const [action, to] of [
      ['survey', zh.claimStatus.surveying],
      ['decide_liability', zh.claimStatus.liability_decided],
      ['assess', zh.claimStatus.assessed],
      ['pay', zh.claimStatus.paid],
      ['close', zh.claimStatus.closed],
    ] as const) {
      if (action === 'assess')
        await page
          .locator('input[data-testid="claim-amount"], [data-testid="claim-amount"] input')
          .first()
          .fill('400');
      await drawer.getByTestId(`claim-action-${action}`).click();
      await waitFor(async () => (await status.textContent()) === to, 10_000, to);
    }
    const after = (await t.get(admin, `/claims/${filed.id}`).expect(200)).body as {
      status: string;
      assessedAmountFen: number;
      paidAmountFen: number;
      events: Array<{ actor: string }>;
    };
    expect(after).toMatchObject({ status: 'closed', assessedAmountFen: 40000, paidAmountFen: 40000 });
    expect(after.events.filter((x) => x.actor === usernameOf('insurerA'))).toHaveLength(5);
  });

  it('should let an insurer add and open a claim’s documents, and read its policies and monthly totals', async () => {
    const admin = await t.adminToken();
    const filed = (
      await t
        .post(admin, '/claims', {
          policyId: fleet.policies.a,
          elevatorId: fleet.elevators.e1,
          incidentAt: new Date(Date.now() - 3_600_000).toISOString(),
          incidentType: 'property_damage',
          description: '轿厢门刮伤乘客行李',
          peopleAffected: 0,
        })
        .expect(201)
    ).body as { id: string; claimNumber: string };
    const page = await open({ size: 'phone' });
    await signIn(page, usernameOf('insurerA'), USER_PASSWORD);
    await page.goto('/claims');
    await page.locator(`[data-claim="${filed.claimNumber}"]`).click();
    const docs = page.getByTestId('claim-documents');
    await docs.waitFor();
    await docs
      .locator('input[type=file]')
      .setInputFiles({ name: '行李照片.png', mimeType: 'image/png', buffer: png });
    await docs.getByText('行李照片.png').or(docs.locator('.ant-alert')).first().waitFor();
    expect(await docs.locator('.ant-alert').count()).toBe(0);
    await docs.getByText('行李照片.png').waitFor();
    const stored = (await t.get(admin, `/claims/${filed.id}`).expect(200)).body as {
      documents: Array<{ filename: string; kind: string; sizeBytes: number }>;
    };
    expect(stored.documents).toEqual([
      expect.objectContaining({ filename: '行李照片.png', kind: 'photo', sizeBytes: png.length }),
    ]);
    await page.waitForTimeout(400);
    await shot(page, 'claim-documents-phone-zh-CN', true);
    await page.keyboard.press('Escape');
    await page.getByRole('tab', { name: zh.claims.policies }).click();
    const policies = page.getByTestId('policies');
    const policy = (await t.get(admin, `/insurance/policies/${fleet.policies.a}`).expect(200)).body as {
      policyNumber: string;
    };
    await policies.getByText(policy.policyNumber).waitFor();
    await page.getByRole('tab', { name: zh.claims.totals }).click();
    await page.getByTestId('claim-totals-chart').waitFor();
    const totals = (
      await t
        .login(usernameOf('insurerA'), USER_PASSWORD)
        .then((tok) =>
          t
            .get(tok, `/reports/claim-totals?from=${new Date(Date.now() - 365 * 86_400_000).toISOString()}`)
            .expect(200),
        )
    ).body as Array<{ period: string; filed: number }>;
    const month = totals[totals.length - 1];
    expect(month.filed).toBeGreaterThanOrEqual(1); // this claim, at least
    await page.getByTestId('claim-totals').getByRole('cell', { name: month.period }).waitFor();
    await shot(page, 'claim-totals-phone-zh-CN', true);
  });

  it('should let an owner see whether their elevator works, its month’s availability, the vote, their funding and notices', async () => {
    const page = await open({ size: 'phone' });
    const errors = collectPageErrors(page);
    await signIn(page, usernameOf('owner1'), USER_PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/home');
    await page.getByTestId('home-elevator').first().waitFor();
    await page.getByTestId('home-in-service').first().waitFor();
    // the unit's project (from the statements test): passed vote, the agreement in force, my funding line
    await page.getByTestId('home-project').waitFor();
    await expect(page.getByTestId('home-vote').textContent()).resolves.toBe(zh.vote.passed);
    await page.getByTestId('home-funding').waitFor();
    // the statements issued reached the owner as notices of their own amount (not the unit's total)
    const notice = page.locator('[data-testid=home-notice][data-kind=statement_due]').first();
    await notice.waitFor();
    await expect(notice.textContent()).resolves.toContain('您应缴');
    expect(await page.locator('[data-testid=home-notice][data-kind=statement_issued]').count()).toBe(0);
    // what is due, stated plainly, with the way to the statement
    await expect(page.getByTestId('home-due').textContent()).resolves.toMatch(/本月应缴 ¥|本月没有应缴/);
    const owner = await t.login(usernameOf('owner1'), USER_PASSWORD);
    const availability = (await t.get(owner, `/elevators/${fleet.elevators.e1}/availability`).expect(200))
      .body as {
      month: string;
    };
    await expect(page.getByTestId('home-elevator').first().textContent()).resolves.toContain(
      availability.month,
    );
    const funding = (await page.getByTestId('home-funding').textContent()) ?? '';
    expect(funding).not.toContain(`邻居${fleet.suffix}`);
    await shot(page, 'home-phone-zh-CN', true);
    await expect(
      page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth'),
    ).resolves.toBe(0);
    expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
  });

  it('should let the agent start the project, record ballots until the vote passes, and preview the split before recording', async () => {
    const admin = await t.adminToken();
    // unit u2 gets three more flats, one owner each (f2 is on floor 1)
    for (const [number, floor, areaM2] of [
      ['201', 2, 90],
      ['301', 3, 90],
      ['401', 4, 120],
    ] as const) {
      const f = (await t.post(admin, '/flats', { unitId: fleet.units.u2, number, floor, areaM2 }).expect(201))
        .body as { id: string };
      await t
        .http()
        .put(`/api/v1/flats/${f.id}/owners`)
        .auth(admin, { type: 'bearer' })
        .send({
          effectiveFrom: '2020-01-01',
          owners: [{ name: `业主${number}${fleet.suffix}`, sharePercent: 100 }],
        })
        .expect(200);
    }
    const agreeZh = (zh.vote as unknown as { answers: Record<string, string> }).answers.agree ?? '';
    const page = await open({ size: 'phone' });
    const errors = collectPageErrors(page);
    await signIn(page, usernameOf('agent2'), USER_PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/project');
    await page.getByLabel(zh.project.name).fill('2单元加装电梯');
    await page.getByRole('button', { name: zh.project.start }).click();
    await page.getByTestId('project-page').waitFor();
    await page.getByTestId('phase-next').click();
    await waitFor(
      async () => (await page.getByTestId('project-phase').textContent()) === zh.phase.consent_vote,
      10_000,
      'vote opened',
    );
    await page.getByRole('tab', { name: zh.project.vote }).click();
    const result = page.getByTestId('vote-result');
    await expect(result.textContent()).resolves.toBe(zh.vote.notPassed);
    // 201 and 301 agree: 2 of 4 owners and 180 of 391.25 m² take part, short of 2/3 on both counts;
    // then 401 agrees: 3 of 4 owners and 300 m² — the vote passes
    const ballots: Array<[string, string]> = [
      ['201', agreeZh],
      ['301', agreeZh],
    ];
    for (const [flat, answer] of ballots) {
      await page.getByTestId(`ballot-${flat}`).getByText(answer, { exact: true }).click();
      await page
        .getByRole('row', { name: new RegExp(flat) })
        .getByText(usernameOf('agent2'))
        .waitFor();
    }
    await expect(result.textContent()).resolves.toBe(zh.vote.notPassed);
    await page.getByTestId('vote-shortfall').first().waitFor(); // the shortfall is named
    await shot(page, 'agent-vote-short-phone-zh-CN', true);
    await page.getByTestId('ballot-401').getByText(agreeZh, { exact: true }).click();
    await waitFor(async () => (await result.textContent()) === zh.vote.passed, 10_000, 'vote passed');
    await expect(page.getByTestId('vote-shortfall').count()).resolves.toBe(0);
    const agent = await t.login(usernameOf('agent2'), USER_PASSWORD);
    const projects = (await t.get(agent, '/projects').expect(200)).body as { items: Array<{ id: string }> };
    const vote = (await t.get(agent, `/projects/${projects.items[0]?.id}/vote`).expect(200)).body as {
      passed: boolean;
      totals: { agreeFlats: number };
    };
    expect(vote).toMatchObject({ passed: true, totals: { agreeFlats: 3 } });
    await shot(page, 'agent-vote-passed-phone-zh-CN', true);

    // the agreement: preview each flat's share, then record it
    await page.getByRole('tab', { name: zh.project.agreement }).click();
    await page
      .locator('[data-testid=agreement-budget] input, input[data-testid=agreement-budget]')
      .first()
      .fill('600000');
    await page.getByTestId('agreement-preview').click();
    const preview = page.getByTestId('agreement-preview-table');
    await preview.waitFor();
    // one row per flat; the shares add up to the budget
    const rows = await preview.locator('tbody tr.ant-table-row').allTextContents();
    expect(rows).toHaveLength(4);
    await expect(preview.locator('.ant-table-summary').textContent()).resolves.toContain('¥600,000.00');
    await shot(page, 'agent-preview-phone-zh-CN', true);
    await page.getByTestId('agreement-record').click();
    await page.getByText(zh.agreement.recorded).waitFor();
    const recorded = (await t.get(agent, `/projects/${projects.items[0]?.id}/agreements`).expect(200)).body
      .items as Array<{
      version: number;
      constructionBudgetFen: number;
    }>;
    expect(recorded).toEqual([expect.objectContaining({ version: 1, constructionBudgetFen: 60_000_000 })]);
    expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
  });

  it('should let a technician check in, answer every item, photograph a safety defect, take the owners’ signature, keep it through a lost connection and store it once', async () => {
    const d = devices[0];
    const code = codes.get(d?.elevatorId ?? '') ?? '';
    const firmA = await t.login(usernameOf('firmA'), USER_PASSWORD);
    const before = (
      await t.get(firmA, `/maintenance/records?elevatorId=${d?.elevatorId}&limit=1`).expect(200)
    ).body as {
      total: number;
    };
    const page = await open({ size: 'phone' });
    const errors = collectPageErrors(page);
    await signIn(page, usernameOf('firmA'), USER_PASSWORD);
    await page.goto(`/t/${code}`);
    await page.getByTestId('technician-record-visit').click();
    await page.getByTestId('visit-page').waitFor();
    await page.locator('[data-testid^=visit-item-]').first().waitFor();
    // nothing is answered for the technician, and nothing can be sent yet
    await expect(page.locator('[data-testid^=visit-item-][data-answered=yes]').count()).resolves.toBe(0);
    await page.getByTestId('visit-missing').waitFor();
    await expect(page.getByTestId('visit-submit').isDisabled()).resolves.toBe(true);
    // the arrival is the check-in at the car, not a typed time
    await page.getByTestId('visit-check-in').click();
    await page.getByTestId('visit-arrived').waitFor();

    // one item adjusted (maintenance work, not a defect), with a note
    const second = page.locator('[data-testid^=visit-item-]', { hasNotText: zh.visit.safety }).nth(1);
    await second.getByText(zh.itemResult.adjusted, { exact: true }).click();
    await second.getByPlaceholder(zh.visit.itemNote).fill('门锁啮合长度调整至 7 mm');
    // a safety part with a defect: described, and photographed
    const safety = page.locator('[data-testid^=visit-item-]', { hasText: zh.visit.safety });
    const brake = safety.first();
    await brake.getByText(zh.itemResult.defect, { exact: true }).click();
    await brake.getByText(zh.visit.defectNoteNeeded).waitFor();
    await brake.getByPlaceholder(zh.visit.defectNote).fill('制动衬磨损，已报修');
    await expect(page.getByTestId('visit-missing').textContent()).resolves.toContain(zh.visit.missingPhoto);
    // the others that are not safety parts in one tap; each safety part by itself
    await page.getByTestId('visit-rest-ok').click();
    const unanswered = page.locator('[data-testid^=visit-item-][data-answered=no]');
    const left = await unanswered.count();
    expect(left).toBeGreaterThan(5);
    for (let n = left; n > 0; n -= 1) {
      const item = unanswered.first();
      await expect(item.textContent()).resolves.toContain(zh.visit.safety);
      await item.getByText(zh.itemResult.ok, { exact: true }).click();
      await waitFor(async () => (await unanswered.count()) === n - 1, 5_000, 'the item answered');
    }
    const counts = (await page.getByTestId('visit-exceptions').textContent()) ?? '';
    expect(counts).toContain(zh.visit.defects.replace('{{count}}', '1'));
    expect(counts).toContain(zh.visit.worked.replace('{{count}}', '1'));
    await page
      .getByTestId('visit-photo-input')
      .setInputFiles({ name: 'brake.png', mimeType: 'image/png', buffer: png });
    await page.getByTestId('visit-tech-cert').fill('T1-4401-2018-0312');
    // the owners' safety manager signs on the phone
    await page.getByTestId('visit-signer-name').fill('王五');
    const pad = await page.getByTestId('visit-signature').boundingBox();
    if (!pad) throw new Error('no signature pad');
    await page.mouse.move(pad.x + 30, pad.y + 100);
    await page.mouse.down();
    for (const [x, y] of [
      [80, 40],
      [130, 120],
      [190, 50],
      [260, 110],
    ] as const)
      await page.mouse.move(pad.x + x, pad.y + y, { steps: 5 });
    await page.mouse.up();
    await page.getByText(zh.visit.signed, { exact: true }).waitFor();
    await page.getByTestId('visit-sign').check();
    await page.getByTestId('visit-missing').waitFor({ state: 'detached' });
    await shot(page, 'visit-phone-zh-CN', true);
    await expect(
      page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth'),
    ).resolves.toBe(0);

    // the connection drops as the technician submits: the record stays on the phone
    await page.context().setOffline(true);
    await page.getByTestId('visit-submit').click();
    await page.getByTestId('technician-page').waitFor();
    await page.locator('[data-testid=pending-visit][data-state=waiting]').waitFor();
    await shot(page, 'visit-pending-phone-zh-CN', true);
    expect(
      (
        (await t.get(firmA, `/maintenance/records?elevatorId=${d?.elevatorId}&limit=1`).expect(200)).body as {
          total: number;
        }
      ).total,
    ).toBe(before.total);
    // back online: it is sent by itself, once, and the phone says so
    await page.context().setOffline(false);
    await page.getByTestId('pending-visits').waitFor({ state: 'detached', timeout: 40_000 });
    await page.getByText(zh.visit.storedLater.replace('{{code}}', code)).waitFor();
    const after = (await t.get(firmA, `/maintenance/records?elevatorId=${d?.elevatorId}&limit=5`).expect(200))
      .body as {
      total: number;
      items: Array<{
        id: string;
        photos: string[];
        items: Array<{ result: string; note: string | null }>;
        recordedBy: string;
        countersignature: { signerName: string; signedOn: string; signatureSha256: string | null } | null;
      }>;
    };
    expect(after.total).toBe(before.total + 1);
    const record = after.items[0];
    expect(record?.photos).toHaveLength(1);
    expect(record?.items.filter((i) => i.result === 'adjusted')).toEqual([
      { code: expect.any(String) as string, result: 'adjusted', note: '门锁啮合长度调整至 7 mm' },
    ]);
    expect(record?.items.filter((i) => i.result === 'defect')).toEqual([
      { code: expect.any(String) as string, result: 'defect', note: '制动衬磨损，已报修' },
    ]);
    expect(record?.recordedBy).toBe(usernameOf('firmA'));
    expect(record?.countersignature).toMatchObject({ signerName: '王五', signedOn: 'on_site' });
    // the signature drawn is a PNG kept with the record and covered by the chain
    const signature = await t
      .http()
      .get(`/api/v1/maintenance/records/${record?.id}/photos/${record?.countersignature?.signatureSha256}`)
      .set('authorization', `Bearer ${firmA}`)
      .expect(200);
    expect(signature.headers['content-type']).toBe('image/png');
    const chain = (
      await t.get(firmA, `/elevators/${d?.elevatorId}/maintenance-records/verification`).expect(200)
    ).body as { valid: boolean };
    expect(chain.valid).toBe(true);
    expect(
      errors.filter(
        (e) => !e.includes('Failed to load resource') && !e.includes('ERR_INTERNET_DISCONNECTED'),
      ),
    ).toEqual([]);
  });

  it('should relabel everything in English with the switch, and keep the choice', async () => {
    const page = await open();
    await signIn(page, usernameOf('firmA'), USER_PASSWORD);
    // (an item may carry a count badge: open entrapments on 告警处置)
    const menu = async (): Promise<string[]> =>
      (await page.locator('.ant-layout-sider .ant-menu-item').allTextContents()).map((m) =>
        m.replace(/\d+$/, ''),
      );
    await expect(menu()).resolves.toEqual([zh.nav.alarms, zh.nav.fleet, zh.nav.maintenance]);
    await page.getByTestId('lang-switch').getByText('EN').click();
    // the English catalogue is fetched on first use
    await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
    await expect(menu()).resolves.toEqual([en.nav.alarms, en.nav.fleet, en.nav.maintenance]);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await page.goto('/fleet');
    await expect(page.getByTestId('count-all').textContent()).resolves.toContain(en.fleet.all);
    const body = (await page.locator('body').textContent()) ?? '';
    for (const label of [zh.nav.fleet, zh.nav.alarms, zh.status.idle, zh.status.offline])
      expect(body).not.toContain(label);
    await page.reload();
    await expect(menu().then((m) => m[0])).resolves.toBe(en.nav.alarms);
  });

  it('should end an expired session on the login page with a message', async () => {
    const page = await open();
    await signIn(page, usernameOf('firmA'), USER_PASSWORD);
    // The token is refused by the server (as an expired one is): the next request ends the session.
    // (Page scripts are passed as text: this file is type-checked for Node, without the DOM.)
    await page.evaluate(`(() => {
      const s = JSON.parse(localStorage.getItem('lw.session') || '{}');
      localStorage.setItem('lw.session', JSON.stringify({ ...s, token: s.token + 'x' }));
    })()`);
    await page.goto('/fleet');
    await page.waitForURL((u) => u.pathname === '/login');
    await page.getByText(zh.auth.expired).waitFor();
  });

  it('should save every screen at laptop and phone size, in Chinese and English', async () => {
    const elevator = devices[0]?.elevatorId ?? '';
    const screens: Array<{ user: FleetUser; paths: Array<[string, string]> }> = [
      {
        user: 'firmA',
        paths: [
          ['alarms', '/alarms'],
          ['fleet', '/fleet'],
          ['elevator', `/elevators/${elevator}`],
          ['maintenance', '/maintenance'],
        ],
      },
      { user: 'regulatorGz', paths: [['oversight', '/oversight']] },
      { user: 'admin', paths: [['admin', '/admin']] },
      {
        user: 'owner1',
        paths: [
          ['home', '/home'],
          ['statements', '/statements'],
        ],
      },
      { user: 'agent2', paths: [['project', '/project']] },
      { user: 'insurerA', paths: [['claims', '/claims']] },
    ];
    const saved: string[] = [];
    for (const size of ['laptop', 'phone'] as const) {
      for (const lang of ['zh-CN', 'en'] as const) {
        for (const s of screens) {
          const page = await open({ size, lang });
          const errors = collectPageErrors(page);
          await signIn(page, usernameOf(s.user), passwordOf(s.user));
          for (const [name, path] of s.paths) {
            await page.goto(path);
            await page.waitForLoadState('networkidle');
            await page
              .locator('.ant-spin-spinning')
              .first()
              .waitFor({ state: 'detached', timeout: 10_000 })
              .catch(() => undefined);
            saved.push(await shot(page, `${name}-${size}-${lang}`));
            // Nothing wider than the screen: a phone user never scrolls the page sideways.
            const overflow = await page.evaluate<number>(
              'document.documentElement.scrollWidth - window.innerWidth',
            );
            expect({ screen: `${name}-${size}-${lang}`, overflow }).toEqual({
              screen: `${name}-${size}-${lang}`,
              overflow: 0,
            });
          }
          expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
          await page.context().close();
        }
      }
    }
    expect(saved).toHaveLength(10 * 4);
  }, 240_000);
});
