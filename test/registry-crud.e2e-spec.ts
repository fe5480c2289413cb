import { verifyDeviceSecret } from '@liftwatch/access';
import { ensureTestRegions } from './support/fleet.fixture';
import { newRegistrationCode, startTestApp, type TestApp, uniq } from './support/test-app';

describe('registry CRUD', () => {
  let t: TestApp;
  let token: string;
  const auth = { type: 'bearer' as const };

  beforeAll(async () => {
    t = await startTestApp();
    await ensureTestRegions(t);
    token = await t.adminToken();
  });

  afterAll(async () => {
    await t.close();
  });

  async function newUnit(floorCount = 7): Promise<{ buildingId: string; unitId: string }> {
    const b = await t
      .http()
      .post('/api/v1/buildings')
      .auth(token, auth)
      .send({ regionCode: '440106', community: `社区${uniq()}`, name: '1栋', address: '天河路1号' })
      .expect(201);
    const u = await t
      .http()
      .post('/api/v1/units')
      .auth(token, auth)
      .send({ buildingId: b.body.id, name: '1单元', floorCount })
      .expect(201);
    return { buildingId: b.body.id as string, unitId: u.body.id as string };
  }

  describe('buildings and units', () => {
    it('should create, read, update and delete a building with a unit', async () => {
      const { buildingId, unitId } = await newUnit();
      const got = await t.http().get(`/api/v1/buildings/${buildingId}`).auth(token, auth).expect(200);
      expect(got.body).toMatchObject({ regionCode: '440106', name: '1栋' });

      await t
        .http()
        .patch(`/api/v1/buildings/${buildingId}`)
        .auth(token, auth)
        .send({ builtYear: 1994 })
        .expect(200);
      expect((await t.http().get(`/api/v1/buildings/${buildingId}`).auth(token, auth)).body.builtYear).toBe(
        1994,
      );

      const conflict = await t.http().delete(`/api/v1/buildings/${buildingId}`).auth(token, auth);
      expect(conflict.status).toBe(409);
      expect(conflict.body.code).toBe('BUILDING_HAS_UNITS');

      await t.http().delete(`/api/v1/units/${unitId}`).auth(token, auth).expect(204);
      await t.http().delete(`/api/v1/buildings/${buildingId}`).auth(token, auth).expect(204);
      await t.http().get(`/api/v1/buildings/${buildingId}`).auth(token, auth).expect(404);
    });

    it('should find buildings, elevators, devices and organisations by part of a name or code', async () => {
      const tag = uniq().toUpperCase();
      const b = await t
        .http()
        .post('/api/v1/buildings')
        .auth(token, auth)
        .send({ regionCode: '440106', community: `搜索小区${tag}`, name: '9栋', address: '天河路9号' })
        .expect(201);
      const search = async (path: string, q: string) =>
        (
          await t
            .http()
            .get(`/api/v1/${path}?limit=500&q=${encodeURIComponent(q)}`)
            .auth(token, auth)
            .expect(200)
        ).body as { items: Array<{ id: string }>; total: number };
      const found = await search('buildings', tag.toLowerCase());
      expect(found.items.map((x) => x.id)).toEqual([b.body.id]);
      expect(found.total).toBe(1);
      expect((await search('buildings', '%')).total).toBe(0); // a wildcard is a character to find

      const org = await t
        .http()
        .post('/api/v1/organisations')
        .auth(token, auth)
        .send({ kind: 'manufacturer', name: `搜索电梯制造${tag}有限公司` })
        .expect(201);
      expect((await search('organisations', `制造${tag}`)).items.map((x) => x.id)).toEqual([org.body.id]);

      const u = await t
        .http()
        .post('/api/v1/units')
        .auth(token, auth)
        .send({ buildingId: b.body.id, name: '1单元', floorCount: 7 })
        .expect(201);
      const code = newRegistrationCode();
      const e = await t
        .http()
        .post('/api/v1/elevators')
        .auth(token, auth)
        .send({ unitId: u.body.id, registrationCode: code, servedFloors: [1, 2, 3] })
        .expect(201);
      expect((await search('elevators', code.slice(-10))).items.map((x) => x.id)).toEqual([e.body.id]);
      const d = await t
        .http()
        .post('/api/v1/devices')
        .auth(token, auth)
        .send({ serial: `SRCH-${tag}`, elevatorId: e.body.id })
        .expect(201);
      const deviceId = (d.body as { device: { id: string } }).device.id;
      expect((await search('devices', `srch-${tag}`)).items.map((x) => x.id)).toEqual([deviceId]);
      expect((await search('devices', code)).items.map((x) => x.id)).toEqual([deviceId]);
      await t
        .http()
        .get(`/api/v1/elevators?q=${'x'.repeat(101)}`)
        .auth(token, auth)
        .expect(400);
    });

    it('should filter buildings by region prefix', async () => {
      const { buildingId } = await newUnit();
      const inCity = await t
        .http()
        .get('/api/v1/buildings?regionCode=440100&limit=500')
        .auth(token, auth)
        .expect(200);
      expect(inCity.body.items.map((b: { id: string }) => b.id)).toContain(buildingId);
      const elsewhere = await t
        .http()
        .get('/api/v1/buildings?regionCode=330100&limit=500')
        .auth(token, auth)
        .expect(200);
      expect(elsewhere.body.items.map((b: { id: string }) => b.id)).not.toContain(buildingId);
    });

    it('should refuse lowering the floor count below a flat', async () => {
      const { unitId } = await newUnit(9);
      await t
        .http()
        .post('/api/v1/flats')
        .auth(token, auth)
        .send({ unitId, number: '901', floor: 9, areaM2: 70 })
        .expect(201);
      const res = await t.http().patch(`/api/v1/units/${unitId}`).auth(token, auth).send({ floorCount: 8 });
      expect(res.status).toBe(400);
      expect(res.body.fields[0].field).toBe('floorCount');
    });
  });

  describe('flats and ownership', () => {
    it('should record a transfer mid-month as two ownership periods', async () => {
      const { unitId } = await newUnit();
      const flat = await t
        .http()
        .post('/api/v1/flats')
        .auth(token, auth)
        .send({ unitId, number: '301', floor: 3, areaM2: 88.08 })
        .expect(201);
      await t
        .http()
        .put(`/api/v1/flats/${flat.body.id}/owners`)
        .auth(token, auth)
        .send({
          effectiveFrom: '2019-05-01',
          owners: [{ name: '张三', phone: '13811112222', sharePercent: 100 }],
        })
        .expect(200);
      const history = await t
        .http()
        .put(`/api/v1/flats/${flat.body.id}/owners`)
        .auth(token, auth)
        .send({
          effectiveFrom: '2026-03-11',
          owners: [
            { name: '李四', sharePercent: 50 },
            { name: '王五', sharePercent: 50 },
          ],
        })
        .expect(200);
      const rows = history.body as Array<{
        ownerName: string;
        validFrom: string;
        validTo: string | null;
        sharePercent: number;
      }>;
      expect(rows).toHaveLength(3);
      expect(rows.find((r) => r.ownerName === '张三')).toMatchObject({
        validFrom: '2019-05-01',
        validTo: '2026-03-11',
      });
      expect(
        rows
          .filter((r) => r.validTo === null)
          .map((r) => r.ownerName)
          .sort(),
      ).toEqual(['李四', '王五']);

      const backdated = await t
        .http()
        .put(`/api/v1/flats/${flat.body.id}/owners`)
        .auth(token, auth)
        .send({ effectiveFrom: '2026-03-01', owners: [{ name: '赵六', sharePercent: 100 }] });
      expect(backdated.status).toBe(409);
      expect(backdated.body.code).toBe('OWNERSHIP_DATE_CONFLICT');

      const deletion = await t.http().delete(`/api/v1/flats/${flat.body.id}`).auth(token, auth);
      expect(deletion.status).toBe(409);
    });

    it('should refuse shares that do not add up to 100 % and change nothing', async () => {
      const { unitId } = await newUnit();
      const flat = await t
        .http()
        .post('/api/v1/flats')
        .auth(token, auth)
        .send({ unitId, number: '401', floor: 4, areaM2: 70 });
      const res = await t
        .http()
        .put(`/api/v1/flats/${flat.body.id}/owners`)
        .auth(token, auth)
        .send({
          effectiveFrom: '2024-01-01',
          owners: [
            { name: 'a', sharePercent: 60 },
            { name: 'b', sharePercent: 39 },
          ],
        });
      expect(res.status).toBe(400);
      expect(res.body.fields).toEqual([
        { field: 'owners', messages: ['shares add up to 99.00 %, not 100 %'] },
      ]);
      const history = await t
        .http()
        .get(`/api/v1/flats/${flat.body.id}/ownerships`)
        .auth(token, auth)
        .expect(200);
      expect(history.body).toEqual({ items: [], total: 0, limit: 50, offset: 0 });
    });

    it('should refuse a flat above the unit’s top floor', async () => {
      const { unitId } = await newUnit(6);
      const res = await t
        .http()
        .post('/api/v1/flats')
        .auth(token, auth)
        .send({ unitId, number: '701', floor: 7, areaM2: 70 });
      expect(res.status).toBe(400);
      expect(res.body.fields).toEqual([{ field: 'floor', messages: ['the unit has 6 floors'] }]);
    });
  });

  describe('elevators, assignments and devices', () => {
    it('should register an elevator and return registration-code notes without refusing', async () => {
      const { unitId } = await newUnit();
      const code = `31104401061990130${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
      const res = await t
        .http()
        .post('/api/v1/elevators')
        .auth(token, auth)
        .send({ unitId, registrationCode: code, servedFloors: [1, 2, 3, 4, 5, 6, 7] })
        .expect(201);
      expect(res.body.registrationCodeNotes).toEqual([`registration month 199013 is not a plausible YYYYMM`]);
      expect(res.body.status).toBe('in_service');

      const duplicate = await t
        .http()
        .post('/api/v1/elevators')
        .auth(token, auth)
        .send({ unitId, registrationCode: code, servedFloors: [1, 2] });
      expect(duplicate.status).toBe(409);

      const patched = await t
        .http()
        .patch(`/api/v1/elevators/${res.body.id}`)
        .auth(token, auth)
        .send({ status: 'out_of_service', rescueCode: '123456' })
        .expect(200);
      expect(patched.body).toMatchObject({ status: 'out_of_service', rescueCode: '123456' });
    });

    it('should refuse explicit assignments: coverage comes from contracts and policies', async () => {
      const { unitId } = await newUnit();
      const e = await t
        .http()
        .post('/api/v1/elevators')
        .auth(token, auth)
        .send({ unitId, registrationCode: newRegistrationCode(), servedFloors: [1, 2, 3] })
        .expect(201);
      const firm = async (name: string): Promise<string> =>
        (
          await t
            .http()
            .post('/api/v1/organisations')
            .auth(token, auth)
            .send({ kind: 'maintenance_firm', name: `${name} ${uniq()}`, licenceNumber: `TS-${uniq()}` })
            .expect(201)
        ).body.id as string;
      const maintenanceFirm = await firm('C');
      const byAssignment = await t
        .http()
        .post(`/api/v1/elevators/${e.body.id}/assignments`)
        .auth(token, auth)
        .send({ organisationId: maintenanceFirm, kind: 'maintenance' });
      expect(byAssignment.status).toBe(400);
      expect(byAssignment.body.code).toBe('USE_MAINTENANCE_CONTRACT');
      const insurerAsAssignment = await t
        .http()
        .post(`/api/v1/elevators/${e.body.id}/assignments`)
        .auth(token, auth)
        .send({ organisationId: maintenanceFirm, kind: 'insurance' });
      expect(insurerAsAssignment.status).toBe(400);
      expect(insurerAsAssignment.body.code).toBe('USE_INSURANCE_POLICY');
      await t
        .http()
        .get(`/api/v1/elevators/${e.body.id}/assignments`)
        .auth(token, auth)
        .expect(200, { items: [], total: 0, limit: 50, offset: 0 });
    });

    it('should show a device secret once, store only its hash, rotate and revoke', async () => {
      const { unitId } = await newUnit();
      const e = await t
        .http()
        .post('/api/v1/elevators')
        .auth(token, auth)
        .send({ unitId, registrationCode: newRegistrationCode(), servedFloors: [1, 2, 3] })
        .expect(201);
      const serial = `LW-${uniq()}`;
      const created = await t
        .http()
        .post('/api/v1/devices')
        .auth(token, auth)
        .send({ serial, elevatorId: e.body.id })
        .expect(201);
      const secret = created.body.secret as string;
      expect(secret.length).toBeGreaterThanOrEqual(43);
      const id = created.body.device.id as string;

      const read = await t.http().get(`/api/v1/devices/${id}`).auth(token, auth).expect(200);
      expect(JSON.stringify(read.body)).not.toContain(secret);
      const [row] = await t.db.query<Array<{ secret_hash: string }>>(
        'SELECT secret_hash FROM devices WHERE id = $1',
        [id],
      );
      expect(row?.secret_hash).not.toContain(secret);
      expect(verifyDeviceSecret(secret, row?.secret_hash ?? '')).toBe(true);

      const second = await t
        .http()
        .post('/api/v1/devices')
        .auth(token, auth)
        .send({ serial: `${serial}-b`, elevatorId: e.body.id });
      expect(second.status).toBe(409);
      expect(second.body.code).toBe('ELEVATOR_HAS_DEVICE');

      const rotated = await t
        .http()
        .post(`/api/v1/devices/${id}/rotate-secret`)
        .auth(token, auth)
        .expect(200);
      const [after] = await t.db.query<Array<{ secret_hash: string }>>(
        'SELECT secret_hash FROM devices WHERE id = $1',
        [id],
      );
      expect(verifyDeviceSecret(secret, after?.secret_hash ?? '')).toBe(false);
      expect(verifyDeviceSecret(rotated.body.secret as string, after?.secret_hash ?? '')).toBe(true);

      const revoked = await t.http().post(`/api/v1/devices/${id}/revoke`).auth(token, auth).expect(200);
      expect(revoked.body.revokedAt).not.toBeNull();
      await t
        .http()
        .post('/api/v1/devices')
        .auth(token, auth)
        .send({ serial: `${serial}-c`, elevatorId: e.body.id })
        .expect(201);
      const audit = await t
        .http()
        .get(`/api/v1/audit-log?entityType=device&entityId=${id}`)
        .auth(token, auth)
        .expect(200);
      expect(audit.body.items.map((a: { action: string }) => a.action)).toEqual([
        'device.revoke',
        'device.rotate_secret',
        'device.create',
      ]);
      expect(JSON.stringify(audit.body)).not.toContain(secret);
    });
  });

  describe('audit log', () => {
    it('should refuse UPDATE, DELETE and TRUNCATE in the database itself', async () => {
      await expect(t.db.query(`UPDATE audit_log SET action = 'x'`)).rejects.toThrow(/append-only/);
      await expect(t.db.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
      await expect(t.db.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
    });
  });
});
