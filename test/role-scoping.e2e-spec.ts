import { createFleet, type Fleet, type FleetUser } from './support/fleet.fixture';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from './support/test-app';

type Resource = 'buildings' | 'units' | 'flats' | 'owners' | 'elevators' | 'devices';

/** Which fleet records each user may read. Everything else must answer 404. */
const VISIBLE: Record<FleetUser, Record<Resource, string[]>> = {
  admin: {
    buildings: ['gz', 'hz'],
    units: ['u1', 'u2', 'u3'],
    flats: ['f1', 'f2', 'f3'],
    owners: ['o1', 'o2', 'o3'],
    elevators: ['e1', 'e2', 'e3'],
    devices: ['d1', 'd3'],
  },
  firmA: { buildings: ['gz'], units: ['u1'], flats: [], owners: [], elevators: ['e1'], devices: ['d1'] },
  // a technician sees what the firm maintains, no more
  techA: { buildings: ['gz'], units: ['u1'], flats: [], owners: [], elevators: ['e1'], devices: ['d1'] },
  firmB: { buildings: ['hz'], units: ['u3'], flats: [], owners: [], elevators: ['e3'], devices: ['d3'] },
  owner1: {
    buildings: ['gz'],
    units: ['u1'],
    flats: ['f1'],
    owners: ['o1'],
    elevators: ['e1'],
    devices: ['d1'],
  },
  agent2: { buildings: ['gz'], units: ['u2'], flats: ['f2'], owners: ['o2'], elevators: ['e2'], devices: [] },
  insurerA: { buildings: ['gz'], units: ['u1'], flats: [], owners: [], elevators: ['e1'], devices: ['d1'] },
  insurerB: { buildings: ['hz'], units: ['u3'], flats: [], owners: [], elevators: ['e3'], devices: ['d3'] },
  regulatorGz: {
    buildings: ['gz'],
    units: ['u1', 'u2'],
    flats: ['f1', 'f2'],
    owners: [],
    elevators: ['e1', 'e2'],
    devices: ['d1'],
  },
  regulatorHz: {
    buildings: ['hz'],
    units: ['u3'],
    flats: ['f3'],
    owners: [],
    elevators: ['e3'],
    devices: ['d3'],
  },
};

function recordsOf(fleet: Fleet, resource: Resource): Record<string, string> {
  return {
    buildings: fleet.buildings,
    units: fleet.units,
    flats: fleet.flats,
    owners: fleet.owners,
    elevators: fleet.elevators,
    devices: fleet.devices,
  }[resource];
}

describe('role scoping', () => {
  let t: TestApp;
  let fleet: Fleet;
  const tokens = new Map<FleetUser, string>();

  beforeAll(async () => {
    t = await startTestApp();
    fleet = await createFleet(t);
    for (const user of Object.keys(VISIBLE) as FleetUser[]) {
      tokens.set(user, user === 'admin' ? await t.adminToken() : await t.login(fleet.users[user]));
    }
  });

  afterAll(async () => {
    await t.close();
  });

  const users = Object.keys(VISIBLE) as FleetUser[];
  const resources: Resource[] = ['buildings', 'units', 'flats', 'owners', 'elevators', 'devices'];

  describe.each(users)('as %s', (user) => {
    it.each(resources)('should read exactly its own %s by id and get 404 for the rest', async (resource) => {
      const token = tokens.get(user) ?? '';
      const records = recordsOf(fleet, resource);
      const seen: string[] = [];
      for (const [key, id] of Object.entries(records)) {
        const res = await t.http().get(`/api/v1/${resource}/${id}`).auth(token, { type: 'bearer' });
        expect([200, 404]).toContain(res.status);
        if (res.status === 200) {
          expect((res.body as { id: string }).id).toBe(id);
          seen.push(key);
        } else {
          // A record outside the caller's scope is indistinguishable from a missing one.
          expect(JSON.stringify(res.body)).not.toContain(fleet.suffix);
        }
      }
      expect(seen.sort()).toEqual([...VISIBLE[user][resource]].sort());
    });

    it.each(resources)('should list only its own %s', async (resource) => {
      const token = tokens.get(user) ?? '';
      const res = await t.http().get(`/api/v1/${resource}?limit=500`).auth(token, { type: 'bearer' });
      expect(res.status).toBe(200);
      const listed = new Set((res.body as { items: Array<{ id: string }> }).items.map((i) => i.id));
      const records = recordsOf(fleet, resource);
      const seen = Object.entries(records)
        .filter(([, id]) => listed.has(id))
        .map(([key]) => key);
      expect(seen.sort()).toEqual([...VISIBLE[user][resource]].sort());
    });
  });

  it('should keep a firm off elevators after its contract is terminated', async () => {
    const admin = await t.adminToken();
    const firmA = tokens.get('firmA') ?? '';
    // A second fleet so that this test does not change what the matrix above sees.
    const other = await createFleet(t);
    const otherFirm = await t.login(other.users.firmA);
    expect(
      (await t.http().get(`/api/v1/elevators/${other.elevators.e1}`).auth(otherFirm, { type: 'bearer' }))
        .status,
    ).toBe(200);
    const ended = await t
      .http()
      .post(`/api/v1/maintenance/contracts/${other.contracts.a}/terminate`)
      .auth(admin, { type: 'bearer' })
      .send({ terminatedOn: '2022-01-01', reason: '业主更换维保单位' });
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ status: 'terminated', terminatedOn: '2022-01-01' });
    expect(
      (await t.http().get(`/api/v1/elevators/${other.elevators.e1}`).auth(otherFirm, { type: 'bearer' }))
        .status,
    ).toBe(404);
    // Firm A of the first fleet is unaffected.
    expect(
      (await t.http().get(`/api/v1/elevators/${fleet.elevators.e1}`).auth(firmA, { type: 'bearer' })).status,
    ).toBe(200);
  });

  describe('writes outside scope', () => {
    it('should answer 404 to an agent changing a flat of another unit, and record nothing', async () => {
      const agent = tokens.get('agent2') ?? '';
      const res = await t
        .http()
        .patch(`/api/v1/flats/${fleet.flats.f1}`)
        .auth(agent, { type: 'bearer' })
        .send({ areaM2: 1 });
      expect(res.status).toBe(404);
      const rows: unknown[] = await t.db.query(
        `SELECT 1 FROM audit_log WHERE entity_id = $1 AND action = 'flat.update'`,
        [fleet.flats.f1],
      );
      expect(rows).toHaveLength(0);
    });

    it('should let the agent change its own unit’s flat and audit who did it', async () => {
      const agent = tokens.get('agent2') ?? '';
      const res = await t
        .http()
        .patch(`/api/v1/flats/${fleet.flats.f2}`)
        .auth(agent, { type: 'bearer' })
        .send({ areaM2: 92.5 });
      expect(res.status).toBe(200);
      expect((res.body as { areaM2: number }).areaM2).toBe(92.5);
      const audit = await t
        .http()
        .get(`/api/v1/audit-log?entityType=flat&entityId=${fleet.flats.f2}`)
        .auth(await t.adminToken(), { type: 'bearer' });
      const entry = (audit.body as { items: Array<Record<string, unknown>> }).items.find(
        (e) => e.action === 'flat.update',
      );
      expect(entry).toMatchObject({
        actorUsername: fleet.users.agent2,
        actorRole: 'agent',
        changes: { before: { areaM2: 91.25 }, after: { areaM2: 92.5 } },
      });
    });

    it('should refuse a firm provisioning a device on an elevator it does not maintain without revealing it', async () => {
      const firm = tokens.get('firmA') ?? '';
      const res = await t
        .http()
        .post('/api/v1/devices')
        .auth(firm, { type: 'bearer' })
        .send({ serial: `X-${fleet.suffix}`, elevatorId: fleet.elevators.e2 });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        fields: [{ field: 'elevatorId', messages: ['elevator does not exist'] }],
      });
    });

    it('should answer 404 to a firm rotating another firm’s device secret', async () => {
      const firm = tokens.get('firmA') ?? '';
      const res = await t
        .http()
        .post(`/api/v1/devices/${fleet.devices.d3}/rotate-secret`)
        .auth(firm, { type: 'bearer' });
      expect(res.status).toBe(404);
    });

    it('should answer 403 to a regulator changing an elevator in its own region', async () => {
      const reg = tokens.get('regulatorGz') ?? '';
      const res = await t
        .http()
        .patch(`/api/v1/elevators/${fleet.elevators.e1}`)
        .auth(reg, { type: 'bearer' })
        .send({ model: 'x' });
      expect(res.status).toBe(403);
    });

    it('should answer 404 to an owner editing another owner and let them edit themselves', async () => {
      const owner = tokens.get('owner1') ?? '';
      const other = await t
        .http()
        .patch(`/api/v1/owners/${fleet.owners.o2}`)
        .auth(owner, { type: 'bearer' })
        .send({ phone: '13900000000' });
      expect(other.status).toBe(404);
      const self = await t
        .http()
        .patch(`/api/v1/owners/${fleet.owners.o1}`)
        .auth(owner, { type: 'bearer' })
        .send({ phone: '13900000001' });
      expect(self.status).toBe(200);
      expect((self.body as { phone: string }).phone).toBe('13900000001');
    });

    it.each(['firmA', 'owner1', 'agent2', 'insurerA', 'regulatorGz'] as const)(
      'should answer 403 to %s on admin-only endpoints',
      async (user) => {
        const token = tokens.get(user) ?? '';
        expect((await t.http().get('/api/v1/users').auth(token, { type: 'bearer' })).status).toBe(403);
        expect((await t.http().get('/api/v1/audit-log').auth(token, { type: 'bearer' })).status).toBe(403);
        const create = await t.http().post('/api/v1/buildings').auth(token, { type: 'bearer' }).send({});
        expect(create.status).toBe(403);
      },
    );
  });

  it('should show an owner the neighbours’ phone numbers masked', async () => {
    // Make o2 a co-owner of f1, so owner 1 sees o2 as a neighbour in the same unit.
    const other = await createFleet(t);
    const admin = await t.adminToken();
    await t
      .http()
      .put(`/api/v1/flats/${other.flats.f1}/owners`)
      .auth(admin, { type: 'bearer' })
      .send({
        effectiveFrom: '2024-01-01',
        owners: [
          { ownerId: other.owners.o1, sharePercent: 60 },
          { ownerId: other.owners.o2, sharePercent: 40 },
        ],
      })
      .expect(200);
    const owner = await t.login(other.users.owner1);
    const res = await t.http().get(`/api/v1/owners/${other.owners.o2}`).auth(owner, { type: 'bearer' });
    expect(res.status).toBe(200);
    expect((res.body as { phone: string }).phone).toBe('138****0002');
  });

  it('should refuse the bootstrap admin password on a normal user and vice versa', async () => {
    await t
      .http()
      .post('/api/v1/auth/login')
      .send({ username: fleet.users.firmA, password: ADMIN_PASSWORD })
      .expect(401);
  });
});
