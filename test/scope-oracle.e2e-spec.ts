import { randomUUID } from 'node:crypto';
import { createFleet, type Fleet, type FleetUser } from './support/fleet.fixture';
import { startTestApp, type TestApp, USER_PASSWORD, uniq } from './support/test-app';

interface Operation {
  parameters?: Array<{ in: string; name: string; schema?: { enum?: string[] } }>;
}
type OpenApi = { paths: Record<string, Record<string, Operation>> };

/** Everyone here is outside the Hangzhou half of the fleet (firm B, insurer B, regulator of 330100). */
const OUTSIDERS: FleetUser[] = ['firmA', 'techA', 'owner1', 'agent2', 'insurerA', 'regulatorGz'];

/**
 * docs/api.md: "outside your scope → 404", for every method. For each route of the OpenAPI
 * document that takes an id, and each user outside the Hangzhou records, the answer for a real
 * Hangzhou id must be the answer for a made-up id — unless the user may read that record (then a
 * 403 for a change it may not make is fair). Otherwise the status would tell which ids exist.
 */
describe('one answer outside scope, whatever the method', () => {
  let t: TestApp;
  let fleet: Fleet;
  let api: OpenApi;
  /** A Hangzhou record of each resource (the path before its id). */
  const records = new Map<string, string>();
  const tokens = new Map<FleetUser, string>();

  beforeAll(async () => {
    t = await startTestApp();
    fleet = await createFleet(t);
    const admin = await t.adminToken();
    for (const u of OUTSIDERS) tokens.set(u, await t.login(fleet.users[u]));
    const firmB = await t.login(fleet.users.firmB);
    const ok = async (token: string, path: string, body: object) => {
      const res = await t.post(token, path, body);
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as { id: string; alarmId?: string };
    };

    const e3 = fleet.elevators.e3;
    const call = await ok(firmB, '/alarms/calls', {
      elevatorId: e3,
      calledAt: new Date(Date.now() - 60_000).toISOString(),
      // not an entrapment: other files count Hangzhou's entrapments in the shared database
      kind: 'stopped',
      text: '电梯停了 (scope test)',
    });
    const alarmId = call.alarmId ?? call.id;
    const tech = await ok(admin, '/users', {
      username: `tech-b-${uniq()}`,
      password: USER_PASSWORD,
      displayName: '维保员乙',
      role: 'technician',
      organisationId: fleet.orgs.firmB,
      certificateNumber: `T${uniq()}`,
    });
    await ok(firmB, `/alarms/${alarmId}/dispatch`, { technicianId: tech.id });
    const [order] = await t.db.query<Array<{ id: string }>>(
      'SELECT id FROM work_orders WHERE alarm_id = $1',
      [alarmId],
    );
    const claim = await ok(admin, '/claims', {
      policyId: fleet.policies.b,
      elevatorId: e3,
      incidentAt: new Date(Date.now() - 60_000).toISOString(),
      incidentType: 'entrapment',
      description: 'scope test',
    });
    const project = await ok(admin, '/projects', { unitId: fleet.units.u3, name: `杭州加梯 ${uniq()}` });
    const [agreement] = await t.db.query<Array<{ id: string }>>(
      `INSERT INTO project_agreements (project_id, version, signed_on, construction_budget_fen, construction_scheme,
         running_scheme, operating_model, tariff, created_by)
       VALUES ($1, 1, '2021-06-01', 0, '{}', '{}', 'owner_run', '{}', 'scope test') RETURNING id`,
      [project.id],
    );
    const [statement] = await t.db.query<Array<{ id: string }>>(
      `INSERT INTO cost_statements (project_id, unit_id, month, agreement_id, running_scheme, operating_model, total_fen, issued_by,
         statement_number, due_on)
       VALUES ($1, $2, '2021-07', $3, '{}', 'owner_run', 0, 'scope test', 'LWTEST-' || gen_random_uuid(), '2021-08-15') RETURNING id`,
      [project.id, fleet.units.u3, agreement?.id],
    );
    const [anomaly] = await t.db.query<Array<{ id: string }>>(
      `INSERT INTO meter_anomalies (elevator_id, meter_id, reading_ts, reading_seq, kwh, max_plausible_kwh, kind, status)
       VALUES ($1, 'm1', now(), 1, 9999, 5, 'spike', 'open') RETURNING id`,
      [e3],
    );
    const contact = await ok(firmB, '/escalation-contacts', {
      level: 'manager',
      name: '经理乙',
      phone: '13900000009',
    });
    const webhook = await ok(firmB, '/webhooks', { url: 'https://example.com/hook' });
    const [item] = await t.db.query<Array<{ id: string }>>(
      'SELECT id FROM maintenance_checklist_items LIMIT 1',
    );
    const checklist = (await t.get(admin, '/maintenance/checklist?limit=500').expect(200)).body as {
      items: Array<{ code: string; level: string }>;
    };
    const arrived = new Date(Date.now() - 3 * 3_600_000);
    const record = await ok(firmB, `/elevators/${e3}/maintenance-records`, {
      kind: 'routine',
      level: 'half_month',
      arrivedAt: arrived.toISOString(),
      departedAt: new Date(arrived.getTime() + 3_600_000).toISOString(),
      technicians: [
        { name: '王工', certificateNumber: 'T1-330100-0001' },
        { name: '赵工', certificateNumber: 'T1-330100-0002' },
      ],
      items: checklist.items
        .filter((i) => i.level === 'half_month')
        .map((i) => ({ code: i.code, result: 'ok' })),
    });

    const add = (resource: string, id: string | undefined) => {
      if (id) records.set(resource, id);
    };
    add('alarms', alarmId);
    add('buildings', fleet.buildings.hz);
    add('claims', claim.id);
    add('devices', fleet.devices.d3);
    add('elevators', e3);
    add('escalation-contacts', contact.id);
    add('flats', fleet.flats.f3);
    add('insurance/policies', fleet.policies.b);
    add('maintenance/checklist-items', item?.id);
    add('maintenance/contracts', fleet.contracts.b);
    add('maintenance/records', record?.id);
    add('meter-anomalies', anomaly?.id);
    add('organisations', fleet.orgs.firmB);
    add('owners', fleet.owners.o3);
    add('projects', project.id);
    add('regions', '330100');
    add('statements', statement?.id);
    add('units', fleet.units.u3);
    add('users', tech.id);
    add('webhooks', webhook.id);
    add('work-orders', order?.id);
    api = (await t.http().get('/api/openapi.json').expect(200)).body as OpenApi;
  });

  afterAll(async () => {
    await t.close();
  });

  /** `/api/v1/maintenance/records/{id}/countersign` → maintenance/records. */
  const resourceOf = (path: string): string => path.replace(/^\/api\/v\d+\//, '').split('/{')[0] ?? '';

  it('should have a Hangzhou record for every resource that takes an id', () => {
    const resources = new Set(
      Object.keys(api.paths)
        .filter((p) => p.includes('{') && !p.startsWith('/api/v1/public/'))
        .map(resourceOf),
    );
    expect([...resources].filter((r) => !records.has(r))).toEqual([]);
  });

  it('should answer a real id outside scope as it answers a made-up one, on every id-taking route', async () => {
    const checked: string[] = [];
    const leaks: string[] = [];
    for (const [path, methods] of Object.entries(api.paths)) {
      if (!path.includes('{') || path.startsWith('/api/v1/public/')) continue;
      const resource = resourceOf(path);
      const real = records.get(resource);
      if (!real) continue;
      const made = resource === 'regions' ? '990000' : randomUUID();
      for (const [method, op] of Object.entries(methods)) {
        const url = (id: string) =>
          path.replace(/\{([A-Za-z0-9]+)\}/g, (_m, name: string) => {
            if (name === 'id' || name === 'code') return id;
            const options = op.parameters?.find((p) => p.in === 'path' && p.name === name)?.schema?.enum;
            if (options?.[0]) return options[0];
            return name === 'sha256' ? '0'.repeat(64) : randomUUID();
          });
        for (const user of OUTSIDERS) {
          const token = tokens.get(user) ?? '';
          const send = (id: string) => {
            const agent = t.http();
            const verb = method as 'get' | 'post' | 'put' | 'patch' | 'delete';
            const req = agent[verb](url(id)).auth(token, { type: 'bearer' });
            return method === 'get' || method === 'delete' ? req : req.send({});
          };
          const [a, b] = [await send(real), await send(made)];
          checked.push(`${method} ${path} ${user}`);
          // a made-up id is outside everyone's scope: never "your role may not", always not found
          // (or a 400 for a body checked before the record is looked up)
          if (b.status === 403)
            leaks.push(`${method.toUpperCase()} ${path} as ${user}: made-up id answered 403 ${b.body?.code}`);
          if (a.status === b.status && a.body?.code === b.body?.code?.replace(/990000|[0-9a-f-]{36}/, ''))
            continue;
          if (a.status === b.status && a.status === 404) continue;
          // a different answer is fair only for a record this user may read
          const readable = (await t.http().get(`/api/v1/${resource}/${real}`).auth(token, { type: 'bearer' }))
            .status;
          if (readable === 200 && a.status < 500) continue;
          leaks.push(
            `${method.toUpperCase()} ${path} as ${user}: real ${a.status} ${a.body?.code} vs made-up ${b.status} ${b.body?.code} (GET ${readable})`,
          );
        }
      }
    }
    expect(leaks).toEqual([]);
    expect(checked.length).toBeGreaterThan(80 * OUTSIDERS.length);
  });

  it("should answer 404 to an insurer acknowledging another insurer's alarm, as for a made-up id", async () => {
    const insurer = tokens.get('insurerA') ?? '';
    const real = await t.post(insurer, `/alarms/${records.get('alarms')}/acknowledge`, {});
    expect(real.status).toBe(404);
    const made = await t.post(insurer, `/alarms/${randomUUID()}/acknowledge`, {});
    expect(made.status).toBe(404);
    expect(real.body.code).toBe(made.body.code);
    // inside its scope the role check still answers: the insurer sees firm A's alarms but may not act
    const firmA = await t.login(fleet.users.firmA);
    const own = await t.post(firmA, '/alarms/calls', {
      elevatorId: fleet.elevators.e1,
      calledAt: new Date().toISOString(),
      kind: 'stopped',
    });
    const ownId = (own.body as { alarmId?: string; id: string }).alarmId ?? own.body.id;
    const seen = await t.post(insurer, `/alarms/${ownId}/acknowledge`, {});
    expect(seen.status).toBe(403);
    expect(seen.body.code).toBe('ROLE_NOT_ALLOWED');
  });
});
