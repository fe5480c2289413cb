import { type Role } from '@liftwatch/access';
import { newRegistrationCode, type TestApp, uniq, USER_PASSWORD } from './test-app';

interface Created {
  id: string;
}

export const TEST_REGIONS = [
  { code: '440000', name: '广东省' },
  { code: '440100', name: '广州市' },
  { code: '440106', name: '天河区' },
  { code: '330000', name: '浙江省' },
  { code: '330100', name: '杭州市' },
  { code: '330106', name: '西湖区' },
];

/** Creates the regions the tests use unless another test file already did (they are shared). */
export async function ensureTestRegions(t: TestApp): Promise<void> {
  const token = await t.adminToken();
  for (const r of TEST_REGIONS) {
    const res = await t.http().post('/api/v1/regions').auth(token, { type: 'bearer' }).send(r);
    if (res.status !== 201 && res.status !== 409) {
      throw new Error(`region ${r.code}: ${res.status} ${JSON.stringify(res.body)}`);
    }
  }
}

export interface Fleet {
  suffix: string;
  orgs: { firmA: string; firmB: string; insurerA: string; insurerB: string; maker: string };
  buildings: { gz: string; hz: string };
  units: { u1: string; u2: string; u3: string };
  flats: { f1: string; f2: string; f3: string };
  owners: { o1: string; o2: string; o3: string };
  elevators: { e1: string; e2: string; e3: string };
  devices: { d1: string; d3: string };
  contracts: { a: string; b: string };
  policies: { a: string; b: string };
  /** Username of a user for each scoping role. */
  users: Record<FleetUser, string>;
  /** User ids of the technicians (firm A's technician). */
  userIds: { techA: string };
}

export type FleetUser =
  | 'admin'
  | 'firmA'
  | 'techA'
  | 'firmB'
  | 'owner1'
  | 'agent2'
  | 'insurerA'
  | 'insurerB'
  | 'regulatorGz'
  | 'regulatorHz';

/**
 * A small fleet across two provinces, built through the API as an admin:
 *
 *   Guangzhou Tianhe building: unit u1 (flat f1 of owner o1, elevator e1 + device d1)
 *                              unit u2 (flat f2 of owner o2, elevator e2, no firm, no insurer)
 *   Hangzhou Xihu building:    unit u3 (flat f3 of owner o3, elevator e3 + device d3)
 *
 *   firm A maintains e1, firm B maintains e3 (standard TSG T5002 contracts from 2021-06-18);
 *   insurer A insures e1, insurer B insures e3 (owners' policies 2021-06-18 to 2030, with
 *   entrapment tiers ≥ 15 min CNY 200 and ≥ 30 min CNY 500 per person).
 *   Users: firm A/B staff, owner of f1, agent of u2, insurer A/B staff, regulators of
 *   Guangzhou (440100) and Hangzhou (330100).
 */
export async function createFleet(t: TestApp): Promise<Fleet> {
  await ensureTestRegions(t);
  const token = await t.adminToken();
  const s = uniq();
  const post = async (path: string, body: object): Promise<Created> => {
    const res = await t.http().post(`/api/v1${path}`).auth(token, { type: 'bearer' }).send(body);
    if (res.status !== 201 && res.status !== 200) {
      throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    return res.body as Created;
  };
  const put = async (path: string, body: object): Promise<void> => {
    const res = await t.http().put(`/api/v1${path}`).auth(token, { type: 'bearer' }).send(body);
    if (res.status !== 200) throw new Error(`PUT ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  };

  const firmA = await post('/organisations', {
    kind: 'maintenance_firm',
    name: `Firm A ${s}`,
    licenceNumber: `TS-A-${s}`,
    creditRating: 'A',
  });
  const firmB = await post('/organisations', {
    kind: 'maintenance_firm',
    name: `Firm B ${s}`,
    licenceNumber: `TS-B-${s}`,
    creditRating: 'B',
  });
  const insurerA = await post('/organisations', { kind: 'insurer', name: `Insurer A ${s}` });
  const insurerB = await post('/organisations', { kind: 'insurer', name: `Insurer B ${s}` });
  const maker = await post('/organisations', { kind: 'manufacturer', name: `Maker ${s}` });

  const gz = await post('/buildings', {
    regionCode: '440106',
    community: `华景新城${s}`,
    name: '12栋',
    address: '广州市天河区华景路12号',
  });
  const hz = await post('/buildings', {
    regionCode: '330106',
    community: `翠苑一区${s}`,
    name: '5幢',
    address: '杭州市西湖区翠苑一区5幢',
  });
  const u1 = await post('/units', { buildingId: gz.id, name: '1单元', floorCount: 7 });
  const u2 = await post('/units', { buildingId: gz.id, name: '2单元', floorCount: 9 });
  const u3 = await post('/units', { buildingId: hz.id, name: '1单元', floorCount: 6 });

  const f1 = await post('/flats', { unitId: u1.id, number: '201', floor: 2, areaM2: 78.5 });
  const f2 = await post('/flats', { unitId: u2.id, number: '502', floor: 5, areaM2: 91.25 });
  const f3 = await post('/flats', { unitId: u3.id, number: '601', floor: 6, areaM2: 64 });
  const o1 = await post('/owners', { name: `业主一${s}`, phone: '13800000001' });
  const o2 = await post('/owners', { name: `业主二${s}`, phone: '13800000002' });
  const o3 = await post('/owners', { name: `业主三${s}`, phone: '13800000003' });
  await put(`/flats/${f1.id}/owners`, {
    effectiveFrom: '2020-01-01',
    owners: [{ ownerId: o1.id, sharePercent: 100 }],
  });
  await put(`/flats/${f2.id}/owners`, {
    effectiveFrom: '2020-01-01',
    owners: [{ ownerId: o2.id, sharePercent: 100 }],
  });
  await put(`/flats/${f3.id}/owners`, {
    effectiveFrom: '2020-01-01',
    owners: [{ ownerId: o3.id, sharePercent: 100 }],
  });

  const elevator = (unitId: string, floors: number, region: string) =>
    post('/elevators', {
      unitId,
      registrationCode: newRegistrationCode(region),
      manufacturerId: maker.id,
      model: 'HR-MRL 450',
      commissionedOn: '2021-06-18',
      servedFloors: Array.from({ length: floors }, (_, i) => i + 1),
      rescueCode: '10086',
    });
  const e1 = await elevator(u1.id, 7, '440106');
  const e2 = await elevator(u2.id, 9, '440106');
  const e3 = await elevator(u3.id, 6, '330106');
  const contractA = await post('/maintenance/contracts', maintenanceContract(u1.id, firmA.id, [e1.id]));
  const contractB = await post('/maintenance/contracts', maintenanceContract(u3.id, firmB.id, [e3.id]));
  const policyA = await post('/insurance/policies', insurancePolicy(insurerA.id, u1.id, [e1.id]));
  const policyB = await post('/insurance/policies', insurancePolicy(insurerB.id, u3.id, [e3.id]));

  const d1 = (await post('/devices', { serial: `LW-${s}-1`, elevatorId: e1.id })) as unknown as {
    device: Created;
  };
  const d3 = (await post('/devices', { serial: `LW-${s}-3`, elevatorId: e3.id })) as unknown as {
    device: Created;
  };

  const users: Record<FleetUser, string> = {
    admin: 'admin',
    firmA: `firm-a.${s}`,
    techA: `tech-a.${s}`,
    firmB: `firm-b.${s}`,
    owner1: `owner-1.${s}`,
    agent2: `agent-2.${s}`,
    insurerA: `insurer-a.${s}`,
    insurerB: `insurer-b.${s}`,
    regulatorGz: `regulator-gz.${s}`,
    regulatorHz: `regulator-hz.${s}`,
  };
  const bindings: Array<[FleetUser, Role, Record<string, string>]> = [
    ['firmA', 'firm', { organisationId: firmA.id }],
    [
      'techA',
      'technician',
      { organisationId: firmA.id, certificateNumber: `TS3-${s}`, phone: '13700000001' },
    ],
    ['firmB', 'firm', { organisationId: firmB.id }],
    ['owner1', 'owner', { ownerId: o1.id }],
    ['agent2', 'agent', { unitId: u2.id }],
    ['insurerA', 'insurer', { organisationId: insurerA.id }],
    ['insurerB', 'insurer', { organisationId: insurerB.id }],
    ['regulatorGz', 'regulator', { regionCode: '440100' }],
    ['regulatorHz', 'regulator', { regionCode: '330100' }],
  ];
  const ids: Partial<Record<FleetUser, string>> = {};
  for (const [key, role, binding] of bindings) {
    ids[key] = (
      await post('/users', {
        username: users[key],
        password: USER_PASSWORD,
        displayName: key,
        role,
        ...binding,
      })
    ).id;
  }

  return {
    suffix: s,
    orgs: { firmA: firmA.id, firmB: firmB.id, insurerA: insurerA.id, insurerB: insurerB.id, maker: maker.id },
    buildings: { gz: gz.id, hz: hz.id },
    units: { u1: u1.id, u2: u2.id, u3: u3.id },
    flats: { f1: f1.id, f2: f2.id, f3: f3.id },
    owners: { o1: o1.id, o2: o2.id, o3: o3.id },
    elevators: { e1: e1.id, e2: e2.id, e3: e3.id },
    devices: { d1: d1.device.id, d3: d3.device.id },
    contracts: { a: contractA.id, b: contractB.id },
    policies: { a: policyA.id, b: policyB.id },
    users,
    userIds: { techA: ids.techA ?? '' },
  };
}

/** The body of a standard maintenance contract for some elevators of one unit, running to 2030. */
export function maintenanceContract(
  unitId: string,
  firmId: string,
  elevatorIds: string[],
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    contractNumber: `WB-${uniq()}`,
    unitId,
    firmId,
    elevatorIds,
    ownersRepresentative: '业主代表',
    signedOn: '2021-06-01',
    startsOn: '2021-06-18',
    endsOn: '2030-12-31',
    annualFeeFen: 360000,
    policyCode: 'tsg-t5002',
    ...overrides,
  };
}

/** Puts elevators (of any units) under standard contracts with a firm, one contract per unit. */
export async function contractElevators(t: TestApp, firmId: string, elevatorIds: string[]): Promise<void> {
  const token = await t.adminToken();
  const byUnit = new Map<string, string[]>();
  for (const id of elevatorIds) {
    const res = await t.http().get(`/api/v1/elevators/${id}`).auth(token, { type: 'bearer' });
    const unitId = (res.body as { unitId: string }).unitId;
    byUnit.set(unitId, [...(byUnit.get(unitId) ?? []), id]);
  }
  for (const [unitId, ids] of byUnit) {
    const res = await t
      .http()
      .post('/api/v1/maintenance/contracts')
      .auth(token, { type: 'bearer' })
      .send(maintenanceContract(unitId, firmId, ids, { startsOn: '2024-01-01', signedOn: '2024-01-01' }));
    if (res.status !== 201) throw new Error(`contract: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/** The body of an owners' elevator policy with entrapment payout tiers, running to 2030. */
export function insurancePolicy(
  insurerId: string,
  unitId: string,
  elevatorIds: string[],
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    policyNumber: `PL-${uniq()}`,
    insurerId,
    policyholderKind: 'owners',
    policyholderUnitId: unitId,
    policyholderName: '全体业主',
    elevatorIds,
    startsOn: '2021-06-18',
    endsOn: '2030-12-31',
    premiumFen: 120000,
    coverTypes: ['third_party_liability', 'maintenance_repair', 'inspection_fees'],
    limits: { perIncidentFen: 100000000, perPersonFen: 50000000 },
    deductibleFen: 0,
    entrapmentTiers: [
      { minMinutes: 15, payoutFenPerPerson: 20000 },
      { minMinutes: 30, payoutFenPerPerson: 50000 },
    ],
    ...overrides,
  };
}
