import ExcelJS from 'exceljs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { Webhook } from 'standardwebhooks';
import { addDays, addMonthsToMonth, businessDate, daysBetween } from '@liftwatch/calendar';
import { type DeviceCredentials, type SimulatedController } from '../device-sim/src';
import {
  contractElevators,
  createFleet,
  type Fleet,
  insurancePolicy,
  maintenanceContract,
} from './support/fleet.fixture';
import { provisionSimDevices, quietController } from './support/sim';
import { newRegistrationCode, startTestApp, type TestApp, uniq } from './support/test-app';
import { binaryBody, waitFor } from './support/wait';

const auth = { type: 'bearer' as const };
const today = (): string => businessDate(new Date(), 'Asia/Shanghai');

interface ChecklistItem {
  code: string;
  level: string;
  titleZh: string;
  safetyCritical: boolean;
}
interface PlanBody {
  policyCode: string;
  levels: Array<{ level: string; dueOn: string; status: string }>;
  overdueLevels: string[];
  planned: Array<{ date: string; level: string; overdue: boolean }>;
}
interface RecordBody {
  id: string;
  seq: number;
  hash: string;
  prevHash: string | null;
  correctedById: string | null;
  iot: { status: string; inspectionModeSamples: number };
  countersignature: {
    signerName: string;
    signedOn: string;
    signatureSha256: string | null;
    signedAt: string;
  } | null;
}

describe('maintenance contracts, plans, records, inspections and the regulator view', () => {
  let t: TestApp;
  let fleet: Fleet;
  let admin: string;
  let baseUrl: string;
  let mqttUrl: string;
  let checklist: ChecklistItem[];
  const controllers: SimulatedController[] = [];

  const post: TestApp['post'] = (...a) => t.post(...a);
  const get: TestApp['get'] = (...a) => t.get(...a);

  /** A new unit with one elevator in the given region; returns ids. */
  const newElevator = async (
    buildingRegion: string,
    commissionedOn: string,
  ): Promise<{ unitId: string; elevatorId: string; registrationCode: string }> => {
    const b = await post(admin, '/buildings', {
      regionCode: buildingRegion,
      community: `测试小区${uniq()}`,
      name: '1栋',
      address: '测试路1号',
    }).expect(201);
    const u = await post(admin, '/units', { buildingId: b.body.id, name: '1单元', floorCount: 7 }).expect(
      201,
    );
    const registrationCode = newRegistrationCode(buildingRegion);
    const e = await post(admin, '/elevators', {
      unitId: u.body.id,
      registrationCode,
      commissionedOn,
      servedFloors: [1, 2, 3, 4, 5, 6, 7],
    }).expect(201);
    return { unitId: u.body.id as string, elevatorId: e.body.id as string, registrationCode };
  };

  const visit = (level: string, arrivedAt: Date, minutes = 60, extra: object = {}) => {
    const rank = ['half_month', 'quarterly', 'half_year', 'annual'].indexOf(level);
    const levels = ['half_month', 'quarterly', 'half_year', 'annual'].slice(0, rank + 1);
    return {
      kind: 'routine',
      level,
      arrivedAt: arrivedAt.toISOString(),
      departedAt: new Date(arrivedAt.getTime() + minutes * 60_000).toISOString(),
      technicians: [
        { name: '李工', certificateNumber: 'T1-440100-0001' },
        { name: '陈工', certificateNumber: 'T1-440100-0002' },
      ],
      items: checklist.filter((i) => levels.includes(i.level)).map((i) => ({ code: i.code, result: 'ok' })),
      ...extra,
    };
  };

  beforeAll(async () => {
    t = await startTestApp();
    mqttUrl = `mqtt://127.0.0.1:${(await t.startBroker()).tcpPort}`;
    baseUrl = await t.listen();
    fleet = await createFleet(t);
    admin = await t.adminToken();
    const sz = await post(admin, '/regions', { code: '440300', name: '深圳市' });
    expect([201, 409]).toContain(sz.status);
    const sz2 = await post(admin, '/regions', { code: '440305', name: '南山区' });
    expect([201, 409]).toContain(sz2.status);
    checklist = (await get(admin, '/maintenance/checklist?limit=500').expect(200)).body
      .items as ChecklistItem[];
  });

  afterAll(async () => {
    for (const c of controllers) await c.stop().catch(() => undefined);
    await t.close();
  });

  describe('reference data', () => {
    it('should seed the TSG T5002 checklist with 31/44/59/76 items cumulatively', async () => {
      const counts = await Promise.all(
        ['half_month', 'quarterly', 'half_year', 'annual'].map(
          async (level) =>
            (
              (await get(admin, `/maintenance/checklist?level=${level}&limit=500`).expect(200)).body
                .items as unknown[]
            ).length,
        ),
      );
      expect(counts).toEqual([31, 44, 59, 76]);
    });

    it('should list interval and inspection policies', async () => {
      const policies = (await get(admin, '/maintenance/interval-policies').expect(200)).body.items as Array<{
        code: string;
        kind: string;
        levels: { half_month: { unit: string; count: number } };
      }>;
      expect(policies.find((p) => p.code === 'tsg-t5002')?.levels.half_month).toEqual({
        unit: 'day',
        count: 15,
      });
      expect(policies.find((p) => p.code === 'shenzhen-on-demand')?.kind).toBe('on_demand');
      const inspection = (await get(admin, '/inspection-policies').expect(200)).body.items as Array<{
        code: string;
      }>;
      expect(inspection.map((p) => p.code)).toContain('tsg-t7001-2023');
    });
  });

  describe('contracts and plans', () => {
    it('should plan visits no more than 15 days apart under a standard contract that starts today', async () => {
      const { unitId, elevatorId } = await newElevator('440106', '2024-05-01');
      const created = await post(
        admin,
        '/maintenance/contracts',
        maintenanceContract(unitId, fleet.orgs.firmA, [elevatorId], { signedOn: today(), startsOn: today() }),
      ).expect(201);
      expect(created.body).toMatchObject({
        status: 'active',
        policyCode: 'tsg-t5002',
        effectivePolicyCode: 'tsg-t5002',
      });
      const plan = (await get(admin, `/elevators/${elevatorId}/maintenance-plan?horizonDays=200`).expect(200))
        .body as PlanBody;
      expect(plan.overdueLevels).toEqual([]);
      expect(plan.levels[0]).toMatchObject({ level: 'half_month', status: 'ok' });
      expect(daysBetween(today(), plan.levels[0].dueOn)).toBe(15);
      let previous = today();
      for (const v of plan.planned) {
        expect(daysBetween(previous, v.date)).toBeLessThanOrEqual(15);
        expect(v.overdue).toBe(false);
        previous = v.date;
      }
      expect(plan.planned.length).toBeGreaterThanOrEqual(13);
      expect(plan.planned.some((v) => v.level === 'quarterly' || v.level === 'half_year')).toBe(true);
      // The firm now sees the elevator (through the contract) and has it on its work list.
      const firmA = await t.login(fleet.users.firmA);
      await get(firmA, `/elevators/${elevatorId}`).expect(200);
      const work = (await get(firmA, '/maintenance/plan?limit=500').expect(200)).body.items as Array<{
        elevatorId: string;
      }>;
      expect(work.map((w) => w.elevatorId)).toContain(elevatorId);
      // `overdue=false` means every elevator (as no parameter), `overdue=true` only the late ones,
      // and anything else is a field error.
      const notOnlyOverdue = (await get(firmA, '/maintenance/plan?limit=500&overdue=false').expect(200)).body
        .items as Array<{ elevatorId: string; overdueLevels: string[] }>;
      expect(notOnlyOverdue.map((w) => w.elevatorId).sort()).toEqual(work.map((w) => w.elevatorId).sort());
      const late = (await get(firmA, '/maintenance/plan?limit=500&overdue=true').expect(200)).body
        .items as Array<{
        overdueLevels: string[];
      }>;
      expect(late.every((w) => w.overdueLevels.length > 0)).toBe(true);
      const bad = await get(firmA, '/maintenance/plan?overdue=maybe').expect(400);
      expect(JSON.stringify(bad.body)).toContain('overdue');
      const firmB = await t.login(fleet.users.firmB);
      await get(firmB, `/elevators/${elevatorId}/maintenance-plan`).expect(404);
    });

    it('should find a contract by part of its number or of the firm’s name, wildcards taken literally', async () => {
      const { unitId, elevatorId } = await newElevator('440106', '2024-05-01');
      const number = `SRCH_${uniq()}`;
      await post(
        admin,
        '/maintenance/contracts',
        maintenanceContract(unitId, fleet.orgs.firmA, [elevatorId], { contractNumber: number }),
      ).expect(201);
      const byNumber = (
        await get(
          admin,
          `/maintenance/contracts?q=${encodeURIComponent(number.slice(2).toLowerCase())}`,
        ).expect(200)
      ).body as { items: Array<{ contractNumber: string }>; total: number };
      expect(byNumber.items.map((c) => c.contractNumber)).toEqual([number]);
      expect(byNumber.total).toBe(1);
      // '_' is a character to find, not "any character"
      const literal = (await get(admin, `/maintenance/contracts?limit=500&q=H_`).expect(200)).body as {
        items: Array<{ contractNumber: string }>;
      };
      expect(literal.items.map((c) => c.contractNumber)).toContain(number);
      expect(literal.items.every((c) => c.contractNumber.includes('H_'))).toBe(true);
      const firmName = (await get(admin, `/organisations/${fleet.orgs.firmA}`).expect(200)).body as {
        name: string;
      };
      const byFirm = (
        await get(admin, `/maintenance/contracts?limit=500&q=${encodeURIComponent(firmName.name)}`).expect(
          200,
        )
      ).body as { items: Array<{ firmId: string; contractNumber: string }> };
      expect(byFirm.items.map((c) => c.contractNumber)).toContain(number);
      expect(byFirm.items.every((c) => c.firmId === fleet.orgs.firmA)).toBe(true);
      await get(admin, `/maintenance/contracts?q=${'x'.repeat(101)}`).expect(400);
    });

    it('should show an overdue plan when no visit was recorded for years', async () => {
      const plan = (await get(admin, `/elevators/${fleet.elevators.e1}/maintenance-plan`).expect(200))
        .body as PlanBody;
      expect(plan.overdueLevels).toEqual(['half_month', 'quarterly', 'half_year', 'annual']);
      // the first planned visit is today, late, and does the annual work at once
      expect(plan.planned[0]).toEqual({ date: today(), level: 'annual', overdue: true });
      expect(daysBetween(plan.planned[0].date, plan.planned[1].date)).toBe(15);
    });

    it('should refuse a second contract for the same days and elevators of another unit', async () => {
      const overlap = await post(
        admin,
        '/maintenance/contracts',
        maintenanceContract(fleet.units.u1, fleet.orgs.firmB, [fleet.elevators.e1], {
          startsOn: '2026-01-01',
        }),
      );
      expect(overlap.status).toBe(409);
      expect(overlap.body.code).toBe('CONTRACT_OVERLAP');
      const wrongUnit = await post(
        admin,
        '/maintenance/contracts',
        maintenanceContract(fleet.units.u1, fleet.orgs.firmB, [fleet.elevators.e3]),
      );
      expect(wrongUnit.status).toBe(400);
      expect(wrongUnit.body.fields).toEqual([
        { field: 'elevatorIds.0', messages: ["elevator is not in the contract's unit"] },
      ]);
      const notAFirm = await post(
        admin,
        '/maintenance/contracts',
        maintenanceContract(fleet.units.u2, fleet.orgs.insurerA, [fleet.elevators.e2]),
      );
      expect(notAFirm.status).toBe(400);
      expect(notAFirm.body.fields[0].field).toBe('firmId');
    });

    it('should let an agent sign for its own unit only, and keep the contract across an ownership transfer', async () => {
      const agent = await t.login(fleet.users.agent2);
      const other = await post(
        agent,
        '/maintenance/contracts',
        maintenanceContract(fleet.units.u1, fleet.orgs.firmB, [fleet.elevators.e1]),
      );
      expect(other.status).toBe(403);
      const own = await post(
        agent,
        '/maintenance/contracts',
        maintenanceContract(fleet.units.u2, fleet.orgs.firmB, [fleet.elevators.e2], {
          startsOn: '2026-01-01',
        }),
      ).expect(201);
      const newOwner = await post(admin, '/owners', { name: `新业主${uniq()}` }).expect(201);
      await t
        .http()
        .put(`/api/v1/flats/${fleet.flats.f2}/owners`)
        .auth(admin, auth)
        .send({ effectiveFrom: today(), owners: [{ ownerId: newOwner.body.id, sharePercent: 100 }] })
        .expect(200);
      const after = await get(agent, `/maintenance/contracts/${own.body.id}`).expect(200);
      expect(after.body.status).toBe('active');
      const firmB = await t.login(fleet.users.firmB);
      await get(firmB, `/elevators/${fleet.elevators.e2}`).expect(200);
    });

    it('should refuse an on-demand contract naming each unmet condition, and outside its region', async () => {
      const { unitId, elevatorId } = await newElevator('440305', '2025-01-01');
      const res = await post(
        admin,
        '/maintenance/contracts',
        maintenanceContract(unitId, fleet.orgs.firmA, [elevatorId], { policyCode: 'shenzhen-on-demand' }),
      );
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('ON_DEMAND_CONDITIONS_UNMET');
      const fields = (res.body.fields as Array<{ field: string; messages: string[] }>).map((f) => f.field);
      // commissioned 2025-01: the first periodic inspection (2026-01) has not been filed
      expect(fields).toEqual([
        'conditions.iot_connected',
        'conditions.inspection_valid',
        'conditions.insurance_active',
      ]);
      expect(res.body.message).toContain('no IoT data received');
      const lowRated = await post(admin, '/organisations', {
        kind: 'maintenance_firm',
        name: `C级维保${uniq()}`,
        licenceNumber: `TS-C-${uniq()}`,
        creditRating: 'C',
      }).expect(201);
      const c = await post(
        admin,
        '/maintenance/contracts',
        maintenanceContract(unitId, lowRated.body.id as string, [elevatorId], {
          policyCode: 'shenzhen-on-demand',
        }),
      );
      expect(c.body.fields.map((f: { field: string }) => f.field)).toContain('conditions.firm_credit_rating');
      const elsewhere = await post(
        admin,
        '/maintenance/contracts',
        maintenanceContract(fleet.units.u1, fleet.orgs.firmA, [fleet.elevators.e1], {
          policyCode: 'shenzhen-on-demand',
        }),
      );
      expect(elsewhere.status).toBe(400);
      expect(elsewhere.body.fields[0].field).toBe('policyCode');
      const rows: unknown[] = await t.db.query(
        'SELECT 1 FROM maintenance_contract_elevators WHERE elevator_id = $1',
        [elevatorId],
      );
      expect(rows).toHaveLength(0);
    });

    it('should accept on-demand when IoT, inspection and insurance hold, and fall back to standard when they stop', async () => {
      const base = addMonthsToMonth(today().slice(0, 7), -6);
      const { unitId, elevatorId } = await newElevator('440305', `${base}-01`);
      const device = await post(admin, '/devices', { serial: `LW-SZ-${uniq()}`, elevatorId }).expect(201);
      const controller = quietController(
        { serial: device.body.device.serial, secret: device.body.secret, elevatorId, floors: 7 },
        mqttUrl,
      );
      controllers.push(controller);
      await controller.start();
      controller.sampleStatus();
      await waitFor(
        async () =>
          ((await get(admin, `/elevators/${elevatorId}/state`)).body as { lastSeenAt?: string }).lastSeenAt ??
          false,
        10_000,
        'live state',
      );
      const cover = await post(
        admin,
        '/insurance/policies',
        insurancePolicy(fleet.orgs.insurerA, unitId, [elevatorId], { startsOn: `${base}-01` }),
      ).expect(201);
      const contract = await post(
        admin,
        '/maintenance/contracts',
        maintenanceContract(unitId, fleet.orgs.firmA, [elevatorId], { policyCode: 'shenzhen-on-demand' }),
      );
      expect(contract.body).toMatchObject({ status: 'active' });
      expect(contract.body.effectivePolicyCode).toBe('shenzhen-on-demand');
      const plan = (await get(admin, `/elevators/${elevatorId}/maintenance-plan`).expect(200))
        .body as PlanBody;
      expect(plan.policyCode).toBe('shenzhen-on-demand');

      // Insurance lapses today: the daily re-check suspends on-demand and the standard policy applies.
      await post(admin, `/insurance/policies/${cover.body.id}/cancel`, {
        cancelledOn: today(),
        reason: '退保',
      }).expect(200);
      const run = await post(admin, '/jobs/maintenance-daily/run', {}).expect(200);
      expect(run.body.ran).toBe(true);
      expect(run.body.onDemandFailing).toBeGreaterThanOrEqual(1);
      const after = (await get(admin, `/maintenance/contracts/${contract.body.id}`).expect(200)).body;
      expect(after).toMatchObject({ onDemandSuspendedOn: today(), effectivePolicyCode: 'tsg-t5002' });
      expect(after.onDemandSuspensionReason).toContain('insurance_active');
      const checks = (
        await get(admin, `/maintenance/contracts/${contract.body.id}/condition-checks`).expect(200)
      ).body.items;
      expect(checks[0]).toMatchObject({ checkedOn: today(), passed: false });
      const replanned = (await get(admin, `/elevators/${elevatorId}/maintenance-plan`).expect(200))
        .body as PlanBody;
      expect(replanned.policyCode).toBe('tsg-t5002');
      const audit: unknown[] = await t.db.query(
        `SELECT 1 FROM audit_log WHERE entity_id = $1 AND action = 'maintenance_contract.on_demand_suspended'`,
        [contract.body.id],
      );
      expect(audit).toHaveLength(1);
    });
  });

  describe('maintenance records', () => {
    let first: RecordBody;

    it('should refuse a routine record that leaves checklist items out, naming them', async () => {
      const firmA = await t.login(fleet.users.firmA);
      const body = visit('half_month', new Date(Date.now() - 3 * 3_600_000));
      body.items = body.items.slice(2);
      const res = await post(firmA, `/elevators/${fleet.elevators.e1}/maintenance-records`, body);
      expect(res.status).toBe(400);
      expect(res.body.fields).toEqual([
        {
          field: 'items',
          messages: ['a half_month visit must report every item up to its level; missing: A01, A02'],
        },
      ]);
      const future = await post(
        firmA,
        `/elevators/${fleet.elevators.e1}/maintenance-records`,
        visit('half_month', new Date(Date.now() + 86_400_000)),
      );
      expect(future.status).toBe(400);
      expect(future.body.fields[0].field).toBe('departedAt');
    });

    it('should append records to a hash chain, countersign them and keep other firms out', async () => {
      const firmA = await t.login(fleet.users.firmA);
      const r1 = await post(
        firmA,
        `/elevators/${fleet.elevators.e1}/maintenance-records`,
        visit('quarterly', new Date(Date.now() - 5 * 3_600_000)),
      ).expect(201);
      const r2 = await post(
        firmA,
        `/elevators/${fleet.elevators.e1}/maintenance-records`,
        visit('half_month', new Date(Date.now() - 3 * 3_600_000)),
      ).expect(201);
      first = r1.body as RecordBody;
      expect(first.prevHash).toBeNull();
      expect((r2.body as RecordBody).prevHash).toBe(first.hash);
      expect((r2.body as RecordBody).seq).toBe(first.seq + 1);
      const plan = (await get(firmA, `/elevators/${fleet.elevators.e1}/maintenance-plan`).expect(200))
        .body as PlanBody;
      expect(plan.overdueLevels).toEqual(['half_year', 'annual']);

      const firmB = await t.login(fleet.users.firmB);
      expect(
        (
          await post(
            firmB,
            `/elevators/${fleet.elevators.e1}/maintenance-records`,
            visit('half_month', new Date(Date.now() - 3_600_000)),
          )
        ).status,
      ).toBe(404);
      expect((await get(firmB, `/maintenance/records/${first.id}`)).status).toBe(404);

      const owner = await t.login(fleet.users.owner1);
      const signed = await post(owner, `/maintenance/records/${first.id}/countersign`, {
        signerName: '王五',
      }).expect(200);
      expect(signed.body.countersignature).toMatchObject({ signerName: '王五', signerTitle: '安全管理员' });
      expect(
        (await post(owner, `/maintenance/records/${first.id}/countersign`, { signerName: '王五' })).status,
      ).toBe(409);
      expect(
        (await post(firmA, `/maintenance/records/${first.id}/countersign`, { signerName: 'x' })).status,
      ).toBe(403);

      const correction = await post(firmA, `/elevators/${fleet.elevators.e1}/maintenance-records`, {
        ...visit('quarterly', new Date(Date.now() - 5 * 3_600_000)),
        kind: 'correction',
        correctsId: first.id,
        remarks: '补记：更换门机皮带',
        parts: [{ name: '门机皮带', quantity: 1, costFen: 18000 }],
      }).expect(201);
      expect((await get(owner, `/maintenance/records/${first.id}`).expect(200)).body.correctedById).toBe(
        correction.body.id,
      );
      const verification = await get(
        owner,
        `/elevators/${fleet.elevators.e1}/maintenance-records/verification`,
      ).expect(200);
      expect(verification.body).toMatchObject({ valid: true, records: 3, problems: [] });
    });

    it('should keep visit photos in the chain, store a resent record once and tell the owners', async () => {
      const firmA = await t.login(fleet.users.firmA);
      // A real JPEG (bytes after its end-of-image marker keep it a valid, unique photo).
      const jpeg = Buffer.concat([
        readFileSync(resolve(__dirname, '../libs/documents/src/fixtures/tiny.jpg')),
        Buffer.from(`photo ${uniq()}`),
      ]);
      const upload = (token: string, content: Buffer, name = 'car.jpg') =>
        t
          .http()
          .post(`/api/v1/elevators/${fleet.elevators.e1}/maintenance-photos`)
          .auth(token, auth)
          .attach('file', content, name);
      const photo = await upload(firmA, jpeg).expect(201);
      expect(photo.body).toEqual({
        sha256: createHash('sha256').update(jpeg).digest('hex'),
        contentType: 'image/jpeg',
        sizeBytes: jpeg.length,
      });
      await upload(firmA, jpeg).expect(201); // the same photo again: harmless
      const notAPhoto = await upload(firmA, Buffer.from('%PDF-1.7 not a photo'), 'x.jpg');
      expect(notAPhoto.status).toBe(400);
      expect(notAPhoto.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      // A JPEG's magic number in front of a page is no photo: it would be served back as image/jpeg.
      const disguised = await upload(
        firmA,
        Buffer.concat([
          Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
          Buffer.from('<html><script>alert(1)</script>'),
        ]),
      );
      expect(disguised.status).toBe(400);
      expect(disguised.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      const owner = await t.login(fleet.users.owner1);
      expect((await upload(owner, jpeg)).status).toBe(403);

      const unknown = await post(firmA, `/elevators/${fleet.elevators.e1}/maintenance-records`, {
        ...visit('half_month', new Date(Date.now() - 2 * 3_600_000)),
        photos: ['0'.repeat(64)],
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body.fields[0]).toMatchObject({ field: 'photos.0' });

      const clientRef = randomUUID();
      const body = {
        ...visit('half_month', new Date(Date.now() - 2 * 3_600_000)),
        photos: [photo.body.sha256 as string],
        clientRef,
      };
      const stored = await post(firmA, `/elevators/${fleet.elevators.e1}/maintenance-records`, body).expect(
        201,
      );
      // the phone never saw the answer and sends it again: the same record, not a second one
      const resent = await post(firmA, `/elevators/${fleet.elevators.e1}/maintenance-records`, body).expect(
        201,
      );
      expect(resent.body.id).toBe(stored.body.id);
      const [{ n }] = await t.db.query<Array<{ n: number }>>(
        `SELECT count(*)::int AS n FROM maintenance_records WHERE client_ref = $1`,
        [clientRef],
      );
      expect(n).toBe(1);
      expect(stored.body.photos).toEqual([photo.body.sha256]);
      const back = await get(owner, `/maintenance/records/${stored.body.id}/photos/${photo.body.sha256}`)
        .buffer(true)
        .parse(binaryBody)
        .expect(200);
      expect(Buffer.compare(back.body as Buffer, jpeg)).toBe(0);
      const verification = await get(
        owner,
        `/elevators/${fleet.elevators.e1}/maintenance-records/verification`,
      );
      expect(verification.body.valid).toBe(true);
      // the owners hear of the visit
      const notices = (await get(owner, '/notifications?limit=100').expect(200)).body.items as Array<{
        kind: string;
        data: { recordId?: string };
      }>;
      expect(notices.some((x) => x.kind === 'visit_recorded' && x.data.recordId === stored.body.id)).toBe(
        true,
      );
    });

    it('should ask for a description of every defect and a photo of a safety-critical one, and keep the owners’ on-site countersignature in the chain', async () => {
      const firmA = await t.login(fleet.users.firmA);
      const owner = await t.login(fleet.users.owner1);
      // the seed marks brakes, governor, door locks, buffers, stop switches… as safety-critical
      const brake = checklist.find((i) => i.level === 'half_month' && i.titleZh === '制动器间隙');
      const lighting = checklist.find((i) => i.level === 'half_month' && i.titleZh === '井道照明');
      expect(brake?.safetyCritical).toBe(true);
      expect(lighting?.safetyCritical).toBe(false);
      const url = `/elevators/${fleet.elevators.e1}/maintenance-records`;
      const withResults = (
        results: Record<string, { result: string; note?: string }>,
        extra: object = {},
      ) => {
        const body = visit('half_month', new Date(Date.now() - 90 * 60_000), 45, extra);
        return {
          ...body,
          items: body.items.map((i) => ({ ...i, ...(results[i.code] ?? {}) })),
        };
      };
      // a defect with no words, and one of a safety-critical part with no photo
      const bare = await post(
        firmA,
        url,
        withResults({
          [lighting?.code ?? '']: { result: 'defect' },
          [brake?.code ?? '']: { result: 'defect', note: '制动衬磨损，间隙 0.9 mm' },
        }),
      );
      expect(bare.status).toBe(400);
      const fields = (bare.body.fields as Array<{ field: string; messages: string[] }>).map((f) => f.field);
      const lightingIndex = checklist
        .filter((i) => i.level === 'half_month')
        .findIndex((i) => i === lighting);
      expect(fields).toEqual(expect.arrayContaining([`items.${lightingIndex}.note`, 'photos']));
      expect(JSON.stringify(bare.body.fields)).toContain('制动器间隙');
      // adjusted and replaced parts are maintenance work, not defects: no photo asked for
      await post(
        firmA,
        url,
        withResults({ [brake?.code ?? '']: { result: 'adjusted', note: '间隙调整至 0.5 mm' } }),
      ).expect(201);

      const upload = async (content: Buffer, name: string): Promise<string> =>
        (
          await t
            .http()
            .post(`/api/v1/elevators/${fleet.elevators.e1}/maintenance-photos`)
            .auth(firmA, auth)
            .attach('file', content, name)
            .expect(201)
        ).body.sha256 as string;
      const tiny = readFileSync(resolve(__dirname, '../libs/documents/src/fixtures/tiny.jpg'));
      const photo = await upload(Buffer.concat([tiny, Buffer.from(`brake ${uniq()}`)]), 'brake.jpg');
      const signature = await upload(Buffer.concat([tiny, Buffer.from(`signature ${uniq()}`)]), 'sign.jpg');
      // the signature must be uploaded, and is not a photo of the visit
      const unknownSignature = await post(
        firmA,
        url,
        withResults({}, { countersignature: { signerName: '王五', signature: 'f'.repeat(64) } }),
      );
      expect(unknownSignature.status).toBe(400);
      expect(unknownSignature.body.fields[0]).toMatchObject({ field: 'countersignature.signature' });

      const stored = await post(
        firmA,
        url,
        withResults(
          {
            [lighting?.code ?? '']: { result: 'defect', note: '两盏灯不亮，已报修' },
            [brake?.code ?? '']: { result: 'defect', note: '制动衬磨损，间隙 0.9 mm，已停梯' },
          },
          {
            photos: [photo],
            countersignature: { signerName: '王五', signerTitle: '业主安全管理员', signature },
          },
        ),
      ).expect(201);
      const record = stored.body as RecordBody & { departedAt: string };
      expect(record.countersignature).toMatchObject({
        signerName: '王五',
        signedOn: 'on_site',
        signatureSha256: signature,
        signedAt: record.departedAt,
      });
      // the owner sees the signature image; a second countersignature is refused
      await get(owner, `/maintenance/records/${record.id}/photos/${signature}`).expect(200);
      expect(
        (await post(owner, `/maintenance/records/${record.id}/countersign`, { signerName: '王五' })).status,
      ).toBe(409);
      const verify = () =>
        get(owner, `/elevators/${fleet.elevators.e1}/maintenance-records/verification`).expect(200);
      expect((await verify()).body.valid).toBe(true);

      // another signature image swapped in behind the trigger is named, then put back
      const swap = async (sha: string) => {
        const qr = t.db.createQueryRunner();
        await qr.connect();
        try {
          await qr.startTransaction();
          await qr.query(`SET LOCAL session_replication_role = replica`);
          await qr.query(
            `UPDATE maintenance_countersignatures SET signature_sha256 = $2 WHERE record_id = $1`,
            [record.id, sha],
          );
          await qr.commitTransaction();
        } finally {
          await qr.release();
        }
      };
      await swap(photo);
      expect((await verify()).body.problems).toEqual([
        { recordId: record.id, seq: record.seq, problem: 'countersignature_changed' },
      ]);
      await swap(signature);
      expect((await verify()).body.valid).toBe(true);
    });

    it('should refuse changes to a stored record, and name a record tampered with behind the trigger', async () => {
      await expect(
        t.db.query(`UPDATE maintenance_records SET remarks = 'edited' WHERE id = $1`, [first.id]),
      ).rejects.toThrow(/append-only|not allowed|forbidden/i);
      const qr = t.db.createQueryRunner();
      await qr.connect();
      try {
        await qr.startTransaction();
        await qr.query(`SET LOCAL session_replication_role = replica`);
        await qr.query(
          `UPDATE maintenance_records SET items = jsonb_set(items, '{0,result}', '"defect"') WHERE id = $1`,
          [first.id],
        );
        await qr.commitTransaction();
      } finally {
        await qr.release();
      }
      const owner = await t.login(fleet.users.owner1);
      const verification = await get(
        owner,
        `/elevators/${fleet.elevators.e1}/maintenance-records/verification`,
      ).expect(200);
      expect(verification.body.valid).toBe(false);
      expect(verification.body.problems).toEqual([
        { recordId: first.id, seq: first.seq, problem: 'content_changed' },
      ]);
    });

    it('should keep the checklist as editable data: a new item is required until it is retired', async () => {
      const firmA = await t.login(fleet.users.firmA);
      const code = `X${uniq().slice(-6)}`.toUpperCase();
      const item = await post(admin, '/maintenance/checklist-items', {
        level: 'half_month',
        code,
        titleZh: '加装电梯连廊结构检查',
        titleEn: 'Walkway structure check',
        requirement: '无开裂、无渗水',
      }).expect(201);
      expect((await post(firmA, '/maintenance/checklist-items', { ...item.body, code: 'Y1' })).status).toBe(
        403,
      );
      const missing = await post(
        firmA,
        `/elevators/${fleet.elevators.e1}/maintenance-records`,
        visit('half_month', new Date(Date.now() - 2 * 3_600_000)),
      );
      expect(missing.status).toBe(400);
      expect(missing.body.fields[0].messages[0]).toContain(`missing: ${code}`);
      await t
        .http()
        .patch(`/api/v1/maintenance/checklist-items/${item.body.id}`)
        .auth(admin, auth)
        .send({ active: false })
        .expect(200);
      const list = (await get(admin, '/maintenance/checklist?level=half_month&limit=500').expect(200)).body
        .items as ChecklistItem[];
      expect(list.map((i) => i.code)).not.toContain(code);
      expect(list).toHaveLength(31);
    });

    it('should verify a visit against inspection-mode telemetry and flag one without it', async () => {
      const [device] = (await provisionSimDevices(t, baseUrl, 1)) as [DeviceCredentials];
      await contractElevators(t, fleet.orgs.firmA, [device.elevatorId]);
      const controller = quietController(device, mqttUrl);
      controllers.push(controller);
      await controller.start();
      controller.sampleStatus();
      const arrived = new Date(Date.now() - 1000);
      await controller.maintenanceVisit(1.5);
      const departed = new Date(Date.now() + 1000);
      await waitFor(
        async () => {
          const rows: Array<{ n: string }> = await t.db.query(
            `SELECT count(*) AS n FROM telemetry_status WHERE elevator_id = $1 AND mode = 2`,
            [device.elevatorId],
          );
          return Number(rows[0]?.n) >= 2;
        },
        10_000,
        'inspection-mode samples',
      );
      const firmA = await t.login(fleet.users.firmA);
      const verified = await post(firmA, `/elevators/${device.elevatorId}/maintenance-records`, {
        ...visit('half_month', arrived),
        departedAt: departed.toISOString(),
      }).expect(201);
      expect(verified.body.iot).toMatchObject({ status: 'verified' });
      expect(verified.body.iot.inspectionModeSamples).toBeGreaterThanOrEqual(2);
      const fake = await post(
        firmA,
        `/elevators/${device.elevatorId}/maintenance-records`,
        visit('half_month', new Date(Date.now() - 26 * 3_600_000)),
      ).expect(201);
      expect(fake.body.iot).toMatchObject({ status: 'unverified', inspectionModeSamples: 0 });
      // Once settled, the verification is written down: it survives the raw samples' retention.
      const frozen = await t.db.query<Array<{ n: number }>>(
        `SELECT freeze_record_iot(now() + interval '1 day') AS n`,
      );
      expect(frozen[0]?.n).toBeGreaterThanOrEqual(2);
      await t.db.query(`DELETE FROM telemetry_status WHERE elevator_id = $1`, [device.elevatorId]);
      const kept = await get(firmA, `/maintenance/records/${verified.body.id}`).expect(200);
      expect(kept.body.iot).toMatchObject({
        status: 'verified',
        inspectionModeSamples: verified.body.iot.inspectionModeSamples,
      });
      const owner = await t.login(fleet.users.regulatorGz);
      const unverified = (
        await get(owner, `/maintenance/records?elevatorId=${device.elevatorId}&iot=unverified`).expect(200)
      ).body;
      expect(unverified.items.map((r: RecordBody) => r.id)).toEqual([fake.body.id]);
    });
  });

  describe('inspections and the regulator view', () => {
    let old: { unitId: string; elevatorId: string; registrationCode: string };

    beforeAll(async () => {
      old = await newElevator('440106', '2019-03-15');
    });

    it('should schedule inspections and self-tests from the 2019-03 commissioning under TSG T7001-2023', async () => {
      const status = (await get(admin, `/elevators/${old.elevatorId}/inspection-status`).expect(200)).body;
      expect(status.policyCode).toBe('tsg-t7001-2023');
      expect(status.baseMonth).toBe('2019-03');
      expect(
        status.schedule.slice(0, 9).map((o: { kind: string; dueMonth: string }) => [o.kind, o.dueMonth]),
      ).toEqual([
        ['periodic', '2020-03'],
        ['self_test', '2021-03'],
        ['self_test', '2022-03'],
        ['periodic', '2023-03'],
        ['self_test', '2024-03'],
        ['self_test', '2025-03'],
        ['periodic', '2026-03'],
        ['self_test', '2027-03'],
        ['periodic', '2028-03'],
      ]);
      expect(status).toMatchObject({
        state: 'overdue',
        next: { year: 1, dueMonth: '2020-03', applyBy: '2020-02-29' },
      });
    });

    it("should list the overdue elevator for its region's regulator only, with per-firm counts and CSV", async () => {
      const gz = await t.login(fleet.users.regulatorGz);
      const report = (await get(gz, '/oversight/overdue').expect(200)).body;
      expect(report.regionCode).toBe('440100');
      const row = report.inspections.find((i: { elevatorId: string }) => i.elevatorId === old.elevatorId);
      expect(row).toMatchObject({ state: 'overdue', dueMonth: '2020-03', kind: 'periodic', firmId: null });
      const noContract = report.maintenance.find(
        (m: { elevatorId: string }) => m.elevatorId === old.elevatorId,
      );
      expect(noContract).toMatchObject({ reason: 'no_contract' });
      const e1 = report.maintenance.find((m: { elevatorId: string }) => m.elevatorId === fleet.elevators.e1);
      expect(e1).toMatchObject({ reason: 'overdue', firmId: fleet.orgs.firmA });
      const firmRow = report.perFirm.find((f: { firmId: string }) => f.firmId === fleet.orgs.firmA);
      expect(firmRow.overdueMaintenance).toBeGreaterThanOrEqual(1);
      expect(report.inspections.every((i: { regionCode: string }) => i.regionCode.startsWith('4401'))).toBe(
        true,
      );

      const hz = await t.login(fleet.users.regulatorHz);
      const other = (await get(hz, '/oversight/overdue').expect(200)).body;
      expect(other.inspections.map((i: { elevatorId: string }) => i.elevatorId)).not.toContain(
        old.elevatorId,
      );
      expect(other.maintenance.map((i: { elevatorId: string }) => i.elevatorId)).not.toContain(
        old.elevatorId,
      );
      expect((await get(hz, '/oversight/overdue?regionCode=440106')).status).toBe(400);
      expect((await get(await t.login(fleet.users.firmA), '/oversight/overdue')).status).toBe(403);

      const csv = await get(gz, '/oversight/overdue.csv?lang=en').expect(200);
      expect(csv.headers['content-type']).toContain('text/csv');
      expect(csv.text).toContain(`inspection,overdue,${old.registrationCode},440106`);
      // Chinese by default, and as a workbook with a sheet per list
      const zh = await get(gz, '/oversight/overdue.csv').expect(200);
      expect(zh.text).toContain(`检验,逾期,${old.registrationCode},440106`);
      const xlsx = await get(gz, '/oversight/overdue.xlsx').buffer(true).parse(binaryBody).expect(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(new Uint8Array(xlsx.body as Buffer).buffer);
      expect(wb.worksheets.map((w) => w.name)).toEqual(['检验逾期', '维保逾期', '按维保单位']);
      const codes: string[] = [];
      wb.getWorksheet('检验逾期')?.eachRow((row) => codes.push(row.getCell(1).text));
      expect(codes).toContain(old.registrationCode);
    });

    it('should clear the overdue state once the reports are filed', async () => {
      const agentless = admin;
      const current = today().slice(0, 7);
      const kinds = [
        'periodic',
        'self_test',
        'self_test',
        'periodic',
        'self_test',
        'self_test',
        'periodic',
        'self_test',
        'periodic',
      ];
      for (let year = 1; year <= kinds.length && addMonthsToMonth('2019-03', 12 * year) <= current; year++) {
        await post(agentless, `/elevators/${old.elevatorId}/inspections`, {
          kind: kinds[year - 1],
          inspectedOn: `${addMonthsToMonth('2019-03', 12 * year)}-05`,
          result: 'pass',
          reportNumber: `JY-${year}-${uniq()}`,
          inspectorOrganisation: '广州市特种设备检测研究院',
          feeFen: 38000,
        }).expect(201);
      }
      const status = (await get(admin, `/elevators/${old.elevatorId}/inspection-status`).expect(200)).body;
      expect(['ok', 'due']).toContain(status.state);
      expect(status.next.dueMonth > current).toBe(true);
      const gz = await t.login(fleet.users.regulatorGz);
      const report = (await get(gz, '/oversight/overdue').expect(200)).body;
      expect(report.inspections.map((i: { elevatorId: string }) => i.elevatorId)).not.toContain(
        old.elevatorId,
      );
      const bad = await post(admin, `/elevators/${old.elevatorId}/inspections`, {
        kind: 'periodic',
        inspectedOn: '2099-01-01',
        result: 'pass',
        reportNumber: 'x',
        inspectorOrganisation: 'y',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.fields[0].field).toBe('inspectedOn');
    });
  });

  describe('warranties and reminders', () => {
    it('should report faults during warranty per responsible organisation', async () => {
      const [device] = (await provisionSimDevices(t, baseUrl, 1)) as [DeviceCredentials];
      const installer = await post(admin, '/organisations', {
        kind: 'installer',
        name: `安装公司${uniq()}`,
      }).expect(201);
      const wrongKind = await post(admin, `/elevators/${device.elevatorId}/warranties`, {
        kind: 'installation',
        organisationId: fleet.orgs.maker,
        startsOn: '2025-01-01',
        endsOn: '2027-12-31',
      });
      expect(wrongKind.status).toBe(400);
      await post(admin, `/elevators/${device.elevatorId}/warranties`, {
        kind: 'installation',
        organisationId: installer.body.id,
        startsOn: '2025-01-01',
        endsOn: '2027-12-31',
        terms: '安装质保两年',
      }).expect(201);
      const controller = quietController(device, mqttUrl);
      controllers.push(controller);
      await controller.start();
      controller.event('02', 'set');
      await waitFor(
        async () => {
          const rows = (await get(admin, `/reports/warranty-faults`).expect(200)).body as Array<{
            organisationId: string;
            faults: number;
          }>;
          return rows.find((r) => r.organisationId === installer.body.id && r.faults >= 1);
        },
        10_000,
        'warranty fault',
      );
      const warranties = (await get(admin, `/elevators/${device.elevatorId}/warranties`).expect(200)).body
        .items;
      expect(warranties).toEqual([expect.objectContaining({ kind: 'installation', activeToday: true })]);
    });

    it('should push a new reminder over socket.io and as a signed webhook to the firm', async () => {
      const REMINDER_SECRET = `whsec_${Buffer.alloc(24, 9).toString('base64')}`;
      const firm = await post(admin, '/organisations', {
        kind: 'maintenance_firm',
        name: `提醒测试维保${uniq()}`,
        licenceNumber: `TS-R-${uniq()}`,
        creditRating: 'A',
      }).expect(201);
      const received: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
      const server: Server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          received.push({ headers: req.headers, body });
          res.writeHead(200).end();
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        const port = (server.address() as { port: number }).port;
        await post(admin, '/webhooks', {
          url: `http://127.0.0.1:${port}/hook`,
          organisationId: firm.body.id,
          secret: REMINDER_SECRET,
        }).expect(201);
        const { unitId, elevatorId } = await newElevator('440106', '2024-05-01');
        const started = addDays(today(), -20);
        await post(
          admin,
          '/maintenance/contracts',
          maintenanceContract(unitId, firm.body.id as string, [elevatorId], {
            signedOn: started,
            startsOn: started,
          }),
        ).expect(201);
        const socket = io(`${baseUrl}/live`, { auth: { token: admin }, transports: ['websocket'] });
        const pushed: Array<{ kind: string; elevatorId: string }> = [];
        socket.on('notification', (n: { kind: string; elevatorId: string }) => pushed.push(n));
        try {
          const ack = (await socket.emitWithAck('join', { elevatorId })) as { ok: boolean };
          expect(ack.ok).toBe(true);
          await post(admin, '/jobs/maintenance-daily/run', {}).expect(200);
          await waitFor(
            () => pushed.some((n) => n.elevatorId === elevatorId && n.kind === 'maintenance_overdue'),
            5_000,
            'socket reminder',
          );
          const hook = await waitFor(
            () =>
              received.find((r) => {
                const body = JSON.parse(r.body) as { event: string; notification: { elevatorId: string } };
                return (
                  body.event === 'notification.maintenance_overdue' &&
                  body.notification.elevatorId === elevatorId
                );
              }),
            10_000,
            'webhook reminder',
          );
          expect(
            new Webhook(REMINDER_SECRET).verify(hook.body, hook.headers as Record<string, string>),
          ).toMatchObject({ event: 'notification.maintenance_overdue' });
        } finally {
          socket.close();
        }
      } finally {
        await new Promise((r) => server.close(() => r(undefined)));
      }
    });

    it('should remind the firm and the owners once per due date', async () => {
      await post(admin, '/jobs/maintenance-daily/run', {}).expect(200);
      await post(admin, '/jobs/maintenance-daily/run', {}).expect(200);
      const firmA = await t.login(fleet.users.firmA);
      const firmNotes = (await get(firmA, '/notifications?limit=500').expect(200)).body.items as Array<{
        kind: string;
        elevatorId: string;
        recipientOrganisationId: string;
      }>;
      const e1Notes = firmNotes.filter((n) => n.elevatorId === fleet.elevators.e1);
      expect(e1Notes.map((n) => n.kind)).toContain('maintenance_overdue');
      expect(firmNotes.every((n) => n.recipientOrganisationId === fleet.orgs.firmA)).toBe(true);
      const owner = await t.login(fleet.users.owner1);
      const ownerNotes = (await get(owner, '/notifications').expect(200)).body.items as Array<{
        elevatorId: string;
      }>;
      expect(ownerNotes.length).toBeGreaterThan(0);
      expect(ownerNotes.every((n) => n.elevatorId === fleet.elevators.e1)).toBe(true);
      const duplicates: unknown[] = await t.db.query(
        `SELECT dedupe_key FROM notifications WHERE elevator_id = $1
          GROUP BY dedupe_key, recipient_organisation_id, recipient_unit_id HAVING count(*) > 1`,
        [fleet.elevators.e1],
      );
      expect(duplicates).toEqual([]);
    });
  });
});
