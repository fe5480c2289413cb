import { createFleet, type Fleet } from './support/fleet.fixture';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pdfToPngs, pdfToText } from './support/pdf';
import { startTestApp, type TestApp } from './support/test-app';

interface PublicView {
  registrationCode: string;
  rescueCode: string | null;
  emergencyHotline: string;
  place: string;
  maintenanceFirm: { name: string; dutyPhone: string | null } | null;
  lastMaintainedOn: string | null;
  inspection: { state: string; validUntilMonth: string | null; lastInspectedOn: string | null };
  insured: boolean;
  status: string;
}

describe('the public page of the code in every car (一梯一码)', () => {
  let t: TestApp;
  let fleet: Fleet;
  const codes = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestApp({ EMERGENCY_HOTLINE: '96333', TRUST_PROXY: 'true' });
    fleet = await createFleet(t);
    const admin = await t.adminToken();
    for (const id of Object.values(fleet.elevators)) {
      const e = (await t.get(admin, `/elevators/${id}`).expect(200)).body as { registrationCode: string };
      codes.set(id, e.registrationCode);
    }
  });

  afterAll(async () => {
    await t?.close();
  });

  const page = (code: string) => t.http().get(`/api/v1/public/elevators/${code}`);
  const report = (code: string, body: object, from = '203.0.113.7') =>
    t.http().post(`/api/v1/public/elevators/${code}/reports`).set('X-Forwarded-For', from).send(body);

  it('should show the elevator, its firm and hotline, maintenance, inspection and insurance without a login, and nothing personal', async () => {
    const code = codes.get(fleet.elevators.e1) ?? '';
    const res = await page(code).expect(200);
    const view = res.body as PublicView;
    expect(view).toMatchObject({
      registrationCode: code,
      rescueCode: '10086',
      emergencyHotline: '96333',
      status: 'in_service',
      insured: true,
      maintenanceFirm: { name: `Firm A ${fleet.suffix}` },
    });
    expect(view.place).toContain('1单元');
    expect(view.inspection.state).toMatch(/^(ok|due|overdue|failed|unknown)$/);
    // nothing about the owners: names, phones, flats
    const admin = await t.adminToken();
    const owner = (await t.get(admin, `/owners/${fleet.owners.o1}`).expect(200)).body as {
      name: string;
      phone: string;
    };
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(owner.name);
    expect(text).not.toContain(owner.phone);
    expect(text).not.toContain(fleet.owners.o1);
    expect(text).not.toContain(fleet.flats.f1);
    // an elevator nobody maintains or insures says so
    const bare = (await page(codes.get(fleet.elevators.e2) ?? '').expect(200)).body as PublicView;
    expect(bare).toMatchObject({ maintenanceFirm: null, insured: false });
  });

  it('should answer 404 for an unknown code and 400 for a malformed one', async () => {
    await page('00000000000000000000').expect(404);
    const bad = await page('not-a-code').expect(400);
    expect(JSON.stringify(bad.body)).toContain('registrationCode');
  });

  it('should put a passenger report on the maintaining firm’s alarm panel, with what was said', async () => {
    const code = codes.get(fleet.elevators.e3) ?? '';
    const res = await report(code, {
      kind: 'stopped',
      description: '电梯停在 3 楼不动了',
      contactPhone: '13900000000',
    }).expect(202);
    expect(res.body).toMatchObject({ received: true, emergencyHotline: '96333' });
    const firmB = await t.login(fleet.users.firmB);
    const alarms = (
      await t.get(firmB, `/alarms?elevatorId=${fleet.elevators.e3}&type=passenger_report`).expect(200)
    ).body as { items: Array<{ id: string; status: string; severity: string }> };
    expect(alarms.items).toHaveLength(1);
    expect(alarms.items[0]).toMatchObject({ status: 'open', severity: 'major' });
    const detail = (await t.get(firmB, `/alarms/${alarms.items[0]?.id}`).expect(200)).body as {
      timeline: Array<{ kind: string; note: string | null; actor: string | null }>;
      reports: Array<{ channel: string; kind: string; text: string | null; callbackPhone: string | null }>;
    };
    expect(detail.timeline.find((e) => e.kind === 'reported')).toMatchObject({
      note: '电梯停在 3 楼不动了',
      actor: 'public',
    });
    // the dispatcher sees the category, the words and the number to call back
    expect(detail.reports).toEqual([
      expect.objectContaining({
        channel: 'public',
        kind: 'stopped',
        text: '电梯停在 3 楼不动了',
        callbackPhone: '13900000000',
      }),
    ]);
    // a regulator of the region reads the report, but not the passenger's number
    const regulator = await t.login(fleet.users.regulatorHz);
    const seen = (await t.get(regulator, `/alarms/${alarms.items[0]?.id}`).expect(200)).body as typeof detail;
    expect(seen.reports[0]).toMatchObject({ text: '电梯停在 3 楼不动了', callbackPhone: null });
    expect(JSON.stringify(seen)).not.toContain('13900000000');
    // the other firm does not see it
    const firmA = await t.login(fleet.users.firmA);
    const other = (
      await t.get(firmA, `/alarms?elevatorId=${fleet.elevators.e3}&type=passenger_report`).expect(200)
    ).body as {
      items: unknown[];
    };
    expect(other.items).toEqual([]);
  });

  it('should refuse a bad report with field errors and a flood with 429, storing neither', async () => {
    const code = codes.get(fleet.elevators.e1) ?? '';
    const bad = await report(code, { kind: 'fire', contactPhone: 'call me' }).expect(400);
    expect(JSON.stringify(bad.body)).toContain('kind');
    expect(JSON.stringify(bad.body)).toContain('contactPhone');
    const from = '198.51.100.23';
    for (let i = 0; i < 3; i++) await report(code, { kind: 'noise' }, from).expect(202);
    const refused = await report(code, { kind: 'noise' }, from).expect(429);
    expect(refused.body.code).toBe('TOO_MANY_REPORTS');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(500); // the 10-minute window
    expect(refused.body.retryAfterSeconds).toBe(Number(refused.headers['retry-after']));
    const admin = await t.adminToken();
    const alarms = (
      await t.get(admin, `/alarms?elevatorId=${fleet.elevators.e1}&type=passenger_report`).expect(200)
    ).body as { items: Array<{ reportCount: number }> };
    expect(alarms.items).toHaveLength(1);
    expect(alarms.items[0]?.reportCount).toBe(3);
  });

  it('should limit reads of the page per address (Retry-After), without holding back other addresses', async () => {
    const code = codes.get(fleet.elevators.e2) ?? '';
    const read = (from: string) =>
      t.http().get(`/api/v1/public/elevators/${code}`).set('X-Forwarded-For', from);
    const from = '198.51.100.77';
    const answers = [];
    for (let i = 0; i < t.config.http.publicPageReadsPerMinute + 3; i += 1)
      answers.push((await read(from)).status);
    expect(answers.filter((s) => s === 200)).toHaveLength(t.config.http.publicPageReadsPerMinute);
    const refused = await read(from).expect(429);
    expect(refused.body).toMatchObject({ code: 'TOO_MANY_REQUESTS', retryAfterSeconds: expect.any(Number) });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    await read('198.51.100.78').expect(200);
    // reporting stays open to that address: a trapped passenger is not held back by a busy page
    await report(code, { kind: 'door' }, from).expect(202);
  });

  it('should print the code sheet for the car wall: QR code of the public page, codes, hotline, firm', async () => {
    const code = codes.get(fleet.elevators.e1) ?? '';
    const firmA = await t.login(fleet.users.firmA);
    const res = await t
      .get(firmA, `/elevators/${fleet.elevators.e1}/code-sheet.pdf`)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers['content-type']).toContain('application/pdf');
    const text = await pdfToText(res.body as Buffer);
    const artifacts = join(__dirname, '../test-artifacts/documents');
    mkdirSync(artifacts, { recursive: true });
    await pdfToPngs(res.body as Buffer, artifacts, 'code-sheet');
    expect(text).toContain(code);
    expect(text).toContain('10086');
    expect(text).toContain('96333');
    expect(text).toContain(`Firm A ${fleet.suffix}`);
    expect(text).toContain(`/e/${code}`); // the page the QR code leads to, printed under it
    // someone who does not see the elevator gets 404, not a sheet
    const firmB = await t.login(fleet.users.firmB);
    await t.get(firmB, `/elevators/${fleet.elevators.e1}/code-sheet.pdf`).expect(404);
  });
});
