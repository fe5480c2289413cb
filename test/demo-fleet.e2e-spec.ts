import {
  DEMO_PASSWORD,
  DEMO_REGISTRATION_CODES,
  seedDemoFleet,
} from '../apps/platform/src/demo/demo-fleet.seed';
import { startTestApp, type TestApp } from './support/test-app';

interface Page {
  items: Array<{ id: string; unitId?: string; registrationCode?: string }>;
  total: number;
}

describe('demo fleet', () => {
  let t: TestApp;
  const messages: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    await seedDemoFleet(t.app, { info: (m) => messages.push(m) }, t.config.dataDir);
  });

  afterAll(async () => {
    await t.close();
  });

  it('should load once and say so the second time', async () => {
    await seedDemoFleet(t.app, { info: (m) => messages.push(m) }, t.config.dataDir);
    expect(messages.find((m) => m.startsWith('demo fleet loaded'))).toContain('6 elevators in 4 buildings');
    expect(messages[messages.length - 1]).toBe('demo fleet already loaded');
  });

  it.each([
    ['demo.admin', 6],
    ['firm.gz', 3],
    ['firm.hz', 3],
    ['owner.hj12', 1],
    ['agent.hj12', 1],
    ['regulator.gz', 3],
    ['regulator.hz', 3],
    ['regulator.gd', 3],
  ])('should let %s log in and see %i demo elevators', async (username, count) => {
    const token = await t.login(username, DEMO_PASSWORD);
    const res = await t.http().get('/api/v1/elevators?limit=500').auth(token, { type: 'bearer' }).expect(200);
    const demo = (res.body as Page).items.filter((e) =>
      DEMO_REGISTRATION_CODES.includes(e.registrationCode ?? ''),
    );
    expect(demo).toHaveLength(count);
  });

  it('should give units of 6 to 9 floors with two flats a floor', async () => {
    const token = await t.login('demo.admin', DEMO_PASSWORD);
    const res = await t
      .http()
      .get('/api/v1/elevators?limit=500&regionCode=330000')
      .auth(token, { type: 'bearer' })
      .expect(200);
    const demo = (res.body as Page).items.filter((e) =>
      DEMO_REGISTRATION_CODES.includes(e.registrationCode ?? ''),
    );
    expect(demo).toHaveLength(3);
    for (const e of demo) {
      const unit = await t
        .http()
        .get(`/api/v1/units/${e.unitId}`)
        .auth(token, { type: 'bearer' })
        .expect(200);
      const floors = (unit.body as { floorCount: number }).floorCount;
      expect(floors).toBeGreaterThanOrEqual(6);
      expect(floors).toBeLessThanOrEqual(9);
      const flats = await t
        .http()
        .get(`/api/v1/flats?unitId=${e.unitId}&limit=500`)
        .auth(token, { type: 'bearer' })
        .expect(200);
      expect((flats.body as Page).total).toBe(floors * 2);
    }
  });

  it("should give owners last month's statement with only their own share, and the regulator one overdue inspection", async () => {
    const owner = await t.login('owner.hj12', DEMO_PASSWORD);
    const statements = (await t.http().get('/api/v1/statements').auth(owner, { type: 'bearer' }).expect(200))
      .body.items as Array<{ totalFen: number; allocations: Array<{ ownerId: string }> }>;
    expect(statements.length).toBeGreaterThanOrEqual(1);
    expect(statements[0].totalFen).toBeGreaterThan(0);
    expect(new Set(statements[0].allocations.map((a) => a.ownerId)).size).toBe(1);
    const regulator = await t.login('regulator.gz', DEMO_PASSWORD);
    const overdue = (
      await t.http().get('/api/v1/oversight/overdue').auth(regulator, { type: 'bearer' }).expect(200)
    ).body as { inspections: Array<{ registrationCode: string }> };
    expect(overdue.inspections.map((i) => i.registrationCode)).toContain(DEMO_REGISTRATION_CODES[0]);
    const late = (
      overdue as unknown as { maintenance: Array<{ registrationCode: string; overdueLevels: string[] }> }
    ).maintenance;
    // only the first unit's firm stopped visiting; the others came every two weeks
    expect(late.map((m) => m.registrationCode).filter((c) => DEMO_REGISTRATION_CODES.includes(c))).toEqual([
      DEMO_REGISTRATION_CODES[0],
    ]);
    expect(late.find((m) => m.registrationCode === DEMO_REGISTRATION_CODES[0])?.overdueLevels).toContain(
      'half_month',
    );
  });

  it('should have history from the first start: daily trips and kWh, and an electricity line from metered kWh', async () => {
    const token = await t.login('firm.gz', DEMO_PASSWORD);
    const elevators = (
      await t.http().get('/api/v1/elevators?limit=500').auth(token, { type: 'bearer' }).expect(200)
    ).body as Page;
    const e = elevators.items.find((x) => DEMO_REGISTRATION_CODES.includes(x.registrationCode ?? ''));
    const days = (
      await t
        .http()
        .get(`/api/v1/elevators/${e?.id}/history?bucket=day`)
        .auth(token, { type: 'bearer' })
        .expect(200)
    ).body as Array<{ trips: number; kwh: number }>;
    expect(days.length).toBeGreaterThanOrEqual(25);
    expect(days.filter((d) => d.trips > 20 && d.kwh > 1).length).toBeGreaterThanOrEqual(25);

    const agent = await t.login('agent.hj12', DEMO_PASSWORD);
    const [statement] = (await t.http().get('/api/v1/statements').auth(agent, { type: 'bearer' }).expect(200))
      .body.items as Array<{ lines: Array<{ category: string; amountFen: number; data: { kwh?: number } }> }>;
    const electricity = statement?.lines.find((l) => l.category === 'electricity');
    expect(electricity?.data.kwh).toBeGreaterThan(50);
    expect(electricity?.amountFen).toBeGreaterThan(0);

    const insurer = await t.login('insurer.antai', DEMO_PASSWORD);
    const policies = (
      await t.http().get('/api/v1/insurance/policies?limit=500').auth(insurer, { type: 'bearer' }).expect(200)
    ).body.items as Array<{ startsOn: string; endsOn: string; status: string }>;
    expect(policies.length).toBeGreaterThan(0);
    for (const p of policies) {
      const days = (Date.parse(p.endsOn) - Date.parse(p.startsOn)) / 86_400_000;
      expect(days).toBeGreaterThanOrEqual(364);
      expect(days).toBeLessThanOrEqual(365);
    }
    expect(policies.some((p) => p.status === 'active')).toBe(true);
  });
});
