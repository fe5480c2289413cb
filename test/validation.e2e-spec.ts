import { ensureTestRegions } from './support/fleet.fixture';
import { newRegistrationCode, startTestApp, type TestApp, uniq } from './support/test-app';

interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  fields?: Array<{ field: string; messages: string[] }>;
}

describe('input validation', () => {
  let t: TestApp;
  let token: string;
  let unitId: string;
  const auth = { type: 'bearer' as const };

  beforeAll(async () => {
    // a database of its own: "nothing was written" counts the whole audit log, which files
    // running beside this one would write to
    t = await startTestApp({}, { ownDatabase: true });
    await ensureTestRegions(t);
    token = await t.adminToken();
    const b = await t
      .http()
      .post('/api/v1/buildings')
      .auth(token, auth)
      .send({ regionCode: '440106', community: `v${uniq()}`, name: '1栋', address: 'x' })
      .expect(201);
    unitId = (
      await t
        .http()
        .post('/api/v1/units')
        .auth(token, auth)
        .send({ buildingId: b.body.id, name: '1', floorCount: 7 })
    ).body.id as string;
  });

  afterAll(async () => {
    await t.close();
  });

  async function expect400(
    path: string,
    body: unknown,
    field: string,
    method: 'post' | 'patch' | 'put' = 'post',
  ) {
    const countBefore = await auditCount();
    const agent = t.http();
    const res = await agent[method](`/api/v1${path}`)
      .auth(token, auth)
      .send(body as object);
    expect(res.status).toBe(400);
    const err = res.body as ErrorBody;
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.fields?.map((f) => f.field)).toContain(field);
    // Nothing was written.
    expect(await auditCount()).toBe(countBefore);
    return err;
  }

  async function auditCount(): Promise<number> {
    const [row] = await t.db.query<Array<{ n: string }>>('SELECT count(*) AS n FROM audit_log');
    return Number(row?.n);
  }

  const elevator = (over: object) => ({
    unitId,
    registrationCode: newRegistrationCode(),
    servedFloors: [1, 2, 3],
    ...over,
  });

  it.each([
    ['19 characters', '3110440106202106010'],
    ['21 characters', '311044010620210601011'],
    ['a hyphen', '3110-44010620210601A'],
    ['Chinese characters', '3110440106202106010梯'],
  ])('should refuse a registration code with %s, naming the field', async (_why, registrationCode) => {
    const err = await expect400('/elevators', elevator({ registrationCode }), 'registrationCode');
    expect(err.fields).toEqual([
      { field: 'registrationCode', messages: ['registrationCode must be exactly 20 letters or digits'] },
    ]);
  });

  it('should refuse a negative flat area, naming the field', async () => {
    const err = await expect400('/flats', { unitId, number: '101', floor: 1, areaM2: -5 }, 'areaM2');
    expect(err.fields?.[0]?.messages).toContain('areaM2 must be a positive number');
  });

  it('should refuse an area with more than two decimals', async () => {
    await expect400('/flats', { unitId, number: '102', floor: 1, areaM2: 70.123 }, 'areaM2');
  });

  it('should refuse an unknown field, naming it', async () => {
    const err = await expect400(
      '/flats',
      { unitId, number: '103', floor: 1, areaM2: 70, balcony: true },
      'balcony',
    );
    expect(err.fields).toEqual([{ field: 'balcony', messages: ['property balcony should not exist'] }]);
  });

  it('should name every bad field at once', async () => {
    const err = await expect400(
      '/flats',
      { unitId: 'not-a-uuid', number: '', floor: 0, areaM2: 'big' },
      'unitId',
    );
    expect(err.fields?.map((f) => f.field).sort()).toEqual(['areaM2', 'floor', 'number', 'unitId']);
  });

  it('should refuse an unknown field nested in an array', async () => {
    const flat = await t
      .http()
      .post('/api/v1/flats')
      .auth(token, auth)
      .send({ unitId, number: `n${uniq()}`, floor: 2, areaM2: 60 });
    const err = await expect400(
      `/flats/${flat.body.id}/owners`,
      { effectiveFrom: '2024-01-01', owners: [{ name: 'a', sharePercent: 100, idCard: 'x' }] },
      'owners.0.idCard',
      'put',
    );
    expect(err.fields).toEqual([
      { field: 'owners.0.idCard', messages: ['property idCard should not exist'] },
    ]);
  });

  it('should refuse an impossible date', async () => {
    await expect400('/elevators', elevator({ commissionedOn: '2023-02-30' }), 'commissionedOn');
  });

  it('should refuse a rescue code that does not match the configured pattern', async () => {
    const err = await expect400('/elevators', elevator({ rescueCode: '12ab' }), 'rescueCode');
    expect(err.fields?.[0]?.messages).toEqual(['rescueCode must match ^[0-9]{5,6}$']);
  });

  it('should refuse served floors above the unit', async () => {
    await expect400('/elevators', elevator({ servedFloors: [1, 2, 8] }), 'servedFloors');
  });

  it('should refuse a maker that is not a manufacturer', async () => {
    const firm = await t
      .http()
      .post('/api/v1/organisations')
      .auth(token, auth)
      .send({ kind: 'maintenance_firm', name: `f${uniq()}`, licenceNumber: `TS-${uniq()}` });
    await expect400('/elevators', elevator({ manufacturerId: firm.body.id }), 'manufacturerId');
  });

  it('should refuse a maintenance firm without a licence number', async () => {
    await expect400('/organisations', { kind: 'maintenance_firm', name: 'x' }, 'licenceNumber');
  });

  it('should refuse a region whose parent does not exist', async () => {
    await expect400('/regions', { code: '650102', name: '天山区' }, 'code');
  });

  it('should refuse a user whose binding does not match the role', async () => {
    const err = await expect400(
      '/users',
      {
        username: `u${uniq()}`,
        password: 'long-enough-pw',
        displayName: 'x',
        role: 'regulator',
        organisationId: unitId,
      },
      'regionCode',
    );
    expect(err.fields?.map((f) => f.field).sort()).toEqual(['organisationId', 'regionCode']);
  });

  it('should answer 400 with a code for malformed JSON', async () => {
    const res = await t
      .http()
      .post('/api/v1/flats')
      .auth(token, auth)
      .set('Content-Type', 'application/json')
      .send('{"unitId": ');
    expect(res.status).toBe(400);
    expect((res.body as ErrorBody).code).toBe('INVALID_JSON');
  });

  it('should answer 400 for a path id that is not a UUID', async () => {
    const res = await t.http().get('/api/v1/elevators/123').auth(token, auth);
    expect(res.status).toBe(400);
    expect((res.body as ErrorBody).fields).toEqual([{ field: 'id', messages: ['id must be a UUID'] }]);
  });

  it('should refuse a page size above 500', async () => {
    const res = await t.http().get('/api/v1/elevators?limit=501').auth(token, auth);
    expect(res.status).toBe(400);
    expect((res.body as ErrorBody).fields?.[0]?.field).toBe('limit');
  });

  it('should refuse an unknown query parameter', async () => {
    const res = await t.http().get('/api/v1/elevators?colour=red').auth(token, auth);
    expect(res.status).toBe(400);
    expect((res.body as ErrorBody).fields?.[0]?.field).toBe('colour');
  });
});
