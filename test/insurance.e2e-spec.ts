import ExcelJS from 'exceljs';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type DeviceCredentials, SimulatedController } from '../device-sim/src';
import { contractElevators, createFleet, type Fleet, insurancePolicy } from './support/fleet.fixture';
import { provisionSimDevices } from './support/sim';
import { startTestApp, type TestApp, uniq, USER_PASSWORD } from './support/test-app';
import { binaryBody, waitFor } from './support/wait';

const auth = { type: 'bearer' as const };
const MAX_BYTES = 4096;
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(200, 0x20), Buffer.from('\n%%EOF\n')]);

interface AlarmBody {
  id: string;
  type: string;
  trappedSeconds: number | null;
  firstSeenTs: string;
  conditionClearedTs: string | null;
}

describe('insurance policies and claims with the elevator’s own evidence', () => {
  let t: TestApp;
  let fleet: Fleet;
  let admin: string;
  let device: DeviceCredentials;
  let unitId: string;
  let policyId: string;
  let agent: string;
  let insurerA: string;
  let insurerB: string;
  let entrapment: AlarmBody;
  let claimId: string;
  let mqttUrl: string;
  let baseUrl: string;
  const open: SimulatedController[] = [];

  const post: TestApp['post'] = (...a) => t.post(...a);
  const get: TestApp['get'] = (...a) => t.get(...a);

  beforeAll(async () => {
    t = await startTestApp({ DOCUMENT_MAX_BYTES: String(MAX_BYTES) });
    mqttUrl = `mqtt://127.0.0.1:${(await t.startBroker()).tcpPort}`;
    baseUrl = await t.listen();
    fleet = await createFleet(t);
    admin = await t.adminToken();
    [device] = (await provisionSimDevices(t, baseUrl, 1)) as [DeviceCredentials];
    await contractElevators(t, fleet.orgs.firmA, [device.elevatorId]);
    unitId = (await get(admin, `/elevators/${device.elevatorId}`).expect(200)).body.unitId as string;
    const policy = await post(
      admin,
      '/insurance/policies',
      insurancePolicy(fleet.orgs.insurerA, unitId, [device.elevatorId], { startsOn: '2024-01-01' }),
    ).expect(201);
    policyId = policy.body.id as string;
    const agentName = `agent.${uniq()}`;
    await post(admin, '/users', {
      username: agentName,
      password: USER_PASSWORD,
      displayName: 'agent',
      role: 'agent',
      unitId,
    }).expect(201);
    agent = await t.login(agentName);
    insurerA = await t.login(fleet.users.insurerA);
    insurerB = await t.login(fleet.users.insurerB);

    // A 32-minute entrapment, replayed in device time: samples a minute apart from an hour ago.
    let deviceNow = Date.now() - 60 * 60_000;
    const c = new SimulatedController({
      url: mqttUrl,
      serial: device.serial,
      secret: device.secret,
      floors: device.floors,
      periodic: false,
      reportEvents: false,
      now: () => deviceNow,
    });
    open.push(c);
    await c.start();
    c.sampleStatus();
    deviceNow += 5_000;
    c.model.entrap(31.5 * 60);
    c.sampleStatus();
    for (let minute = 1; minute <= 33; minute++) {
      deviceNow += 60_000;
      c.sampleStatus();
    }
    entrapment = await waitFor(
      async () => {
        const res = await get(admin, `/alarms?elevatorId=${device.elevatorId}&type=entrapment`);
        return (res.body.items as AlarmBody[]).find((a) => a.trappedSeconds !== null);
      },
      15_000,
      'measured entrapment',
    );
  });

  afterAll(async () => {
    for (const c of open) await c.stop().catch(() => undefined);
    await t.close();
  });

  it('should measure the 32-minute entrapment from device timestamps', () => {
    expect(entrapment.trappedSeconds).toBe(32 * 60);
  });

  it('should file a claim whose frozen evidence shows 32 min and suggests the ≥ 30 min tier', async () => {
    const res = await post(agent, '/claims', {
      policyId,
      elevatorId: device.elevatorId,
      incidentAt: entrapment.firstSeenTs,
      incidentType: 'entrapment',
      description: '一名住户被困轿厢三十余分钟',
      peopleAffected: 1,
      claimedAmountFen: 50000,
    }).expect(201);
    claimId = res.body.id as string;
    expect(res.body).toMatchObject({
      status: 'reported',
      claimantKind: 'owners',
      alarmIds: [entrapment.id],
      suggestedPayout: {
        trappedMinutes: 32,
        tier: { minMinutes: 30, payoutFenPerPerson: 50000 },
        totalFen: 50000,
      },
    });
    const evidence = (await get(insurerA, `/claims/${claimId}/evidence`).expect(200)).body;
    expect(evidence.intact).toBe(true);
    expect(evidence.hash).toBe(res.body.evidenceHash);
    expect(evidence.bundle.entrapment).toEqual({
      alarmId: entrapment.id,
      startTs: entrapment.firstSeenTs,
      releaseTs: entrapment.conditionClearedTs,
      trappedSeconds: 1920,
    });
    const samples = evidence.bundle.telemetry.samples as Array<{ ts: string; passenger: boolean }>;
    expect(samples.length).toBeGreaterThanOrEqual(33);
    expect(samples.some((s) => s.ts === entrapment.firstSeenTs && s.passenger)).toBe(true);
    expect(evidence.bundle.alarms[0].timeline.length).toBeGreaterThanOrEqual(1);
    expect(evidence.bundle.maintenance.chain).toMatchObject({ valid: true });
    expect(evidence.bundle.inspection.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(evidence.bundle.policy.policyNumber).toBeDefined();
  });

  it('should keep the bundle and its hash when the alarm is handled or edited later', async () => {
    const before = (await get(insurerA, `/claims/${claimId}/evidence`).expect(200)).body;
    const firmA = await t.login(fleet.users.firmA);
    await post(firmA, `/alarms/${entrapment.id}/acknowledge`, { note: '已派人' }).expect(200);
    await t.db.query(
      `UPDATE alarms SET condition_cleared_ts = condition_cleared_ts - interval '20 minutes' WHERE id = $1`,
      [entrapment.id],
    );
    const alarmNow = (await get(admin, `/alarms/${entrapment.id}`).expect(200)).body;
    expect(alarmNow.trappedSeconds).toBe(1920 - 1200);
    const after = (await get(insurerA, `/claims/${claimId}/evidence`).expect(200)).body;
    expect(after.hash).toBe(before.hash);
    expect(after.bundle).toEqual(before.bundle);
    expect(after.intact).toBe(true);
    await expect(
      t.db.query(`UPDATE claim_evidence SET hash = 'x' WHERE claim_id = $1`, [claimId]),
    ).rejects.toThrow();
  });

  it("should keep insurer B away from insurer A's claims and policies", async () => {
    expect((await get(insurerB, `/claims/${claimId}`)).status).toBe(404);
    expect((await get(insurerB, `/claims/${claimId}/evidence`)).status).toBe(404);
    const queue = (await get(insurerB, '/claims?limit=500').expect(200)).body.items as Array<{ id: string }>;
    expect(queue.map((c) => c.id)).not.toContain(claimId);
    expect((await get(insurerB, `/insurance/policies/${policyId}`)).status).toBe(404);
    const mine = (await get(insurerA, '/claims?open=true&limit=500').expect(200)).body.items as Array<{
      id: string;
      ageHours: number;
      slaOverdue: boolean;
    }>;
    expect(mine.find((c) => c.id === claimId)).toMatchObject({ slaOverdue: false });
    const regulator = await t.login(fleet.users.regulatorGz);
    expect((await get(regulator, `/claims/${claimId}`)).status).toBe(404);
  });

  it('should refuse steps by the wrong side or out of order, without changing anything', async () => {
    const bySide = await post(agent, `/claims/${claimId}/survey`, {});
    expect(bySide.status).toBe(403);
    expect(bySide.body.code).toBe('WRONG_PARTY');
    const outOfOrder = await post(insurerA, `/claims/${claimId}/pay`, {});
    expect(outOfOrder.status).toBe(409);
    expect(outOfOrder.body.code).toBe('WRONG_STATUS');
    const byOtherInsurer = await post(insurerB, `/claims/${claimId}/survey`, {});
    expect(byOtherInsurer.status).toBe(404);
    const rejectWithoutReason = await post(insurerA, `/claims/${claimId}/reject`, {});
    expect(rejectWithoutReason.status).toBe(400);
    expect(rejectWithoutReason.body.fields[0].field).toBe('reason');
    const unknown = await post(insurerA, `/claims/${claimId}/approve`, {});
    expect(unknown.status).toBe(400);
    const detail = (await get(insurerA, `/claims/${claimId}`).expect(200)).body;
    expect(detail.status).toBe('reported');
    expect(detail.events).toHaveLength(1);
  });

  it('should refuse an oversized or non-document upload and keep nothing of it', async () => {
    const big = await t
      .http()
      .post(`/api/v1/claims/${claimId}/documents`)
      .auth(agent, auth)
      .field('kind', 'photo')
      .attach('file', Buffer.concat([PDF, Buffer.alloc(MAX_BYTES, 1)]), 'big.pdf');
    expect(big.status).toBe(413);
    const exe = await t
      .http()
      .post(`/api/v1/claims/${claimId}/documents`)
      .auth(agent, auth)
      .field('kind', 'invoice')
      .attach('file', Buffer.from('MZ\x90\x00 not a document'), 'invoice.pdf');
    expect(exe.status).toBe(400);
    expect(exe.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const badKind = await t
      .http()
      .post(`/api/v1/claims/${claimId}/documents`)
      .auth(agent, auth)
      .field('kind', 'selfie')
      .attach('file', PDF, 'x.pdf');
    expect(badKind.status).toBe(400);
    const rows: unknown[] = await t.db.query('SELECT 1 FROM claim_documents WHERE claim_id = $1', [claimId]);
    expect(rows).toHaveLength(0);
    let files: string[] = [];
    try {
      files = readdirSync(join(t.config.documents.dir, claimId));
    } catch {
      files = [];
    }
    expect(files).toEqual([]);
  });

  it('should walk a claim from survey to payment, with documents, each step stamped and audited', async () => {
    const step = async (token: string, action: string, body: object = {}) =>
      (await post(token, `/claims/${claimId}/${action}`, body).expect(200)).body as { status: string };
    expect((await step(insurerA, 'survey', { note: '远程视频查勘' })).status).toBe('surveying');
    expect((await step(insurerA, 'request_documents', { note: '请提供就医记录' })).status).toBe(
      'documents_requested',
    );
    const upload = await t
      .http()
      .post(`/api/v1/claims/${claimId}/documents`)
      .auth(agent, auth)
      .field('kind', 'medical_report')
      .attach('file', PDF, '门诊病历.pdf')
      .expect(201);
    expect(upload.body).toMatchObject({
      kind: 'medical_report',
      contentType: 'application/pdf',
      sizeBytes: PDF.length,
    });
    const download = await t
      .http()
      .get(`/api/v1/claims/${claimId}/documents/${upload.body.id}`)
      .auth(insurerA, auth)
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    expect(Buffer.compare(download.body as Buffer, PDF)).toBe(0);
    expect((await step(agent, 'receive_documents')).status).toBe('documents_received');
    const noLiability = await post(insurerA, `/claims/${claimId}/decide_liability`, {});
    expect(noLiability.status).toBe(400);
    expect((await step(insurerA, 'decide_liability', { liability: 'accepted' })).status).toBe(
      'liability_decided',
    );
    const tooMuch = await post(insurerA, `/claims/${claimId}/assess`, { amountFen: 200000000 });
    expect(tooMuch.status).toBe(400);
    expect((await step(insurerA, 'assess', { amountFen: 50000 })).status).toBe('assessed');
    expect((await step(insurerA, 'pay', {})).status).toBe('paid');
    const closed = (await post(insurerA, `/claims/${claimId}/close`, {}).expect(200)).body;
    expect(closed).toMatchObject({ status: 'closed', assessedAmountFen: 50000, paidAmountFen: 50000 });
    expect(closed.events.map((e: { toStatus: string }) => e.toStatus)).toEqual([
      'reported',
      'surveying',
      'documents_requested',
      'documents_received',
      'liability_decided',
      'assessed',
      'paid',
      'closed',
    ]);
    expect(closed.stages.length).toBe(7);
    const audited: Array<{ action: string }> = await t.db.query(
      `SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY id`,
      [claimId],
    );
    expect(audited.map((a) => a.action)).toEqual([
      'claim.file',
      'claim.survey',
      'claim.request_documents',
      'claim.document.upload',
      'claim.receive_documents',
      'claim.decide_liability',
      'claim.assess',
      'claim.pay',
      'claim.close',
    ]);
    const totals = (await get(insurerA, '/reports/claim-totals').expect(200)).body as Array<{
      paidFen: number;
    }>;
    expect(totals.reduce((s, r) => s + r.paidFen, 0)).toBeGreaterThanOrEqual(50000);
  });

  it('should refuse a claim on an expired policy and write nothing', async () => {
    const expired = await post(
      admin,
      '/insurance/policies',
      insurancePolicy(fleet.orgs.insurerA, unitId, [device.elevatorId], {
        startsOn: '2022-01-01',
        endsOn: '2022-12-31',
      }),
    ).expect(201);
    expect(expired.body.status).toBe('expired');
    const res = await post(agent, '/claims', {
      policyId: expired.body.id,
      elevatorId: device.elevatorId,
      incidentAt: new Date().toISOString(),
      incidentType: 'injury',
      description: '开门时夹伤',
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('POLICY_NOT_ACTIVE');
    expect(res.body.message).toContain('expired on 2022-12-31');
    const rows: unknown[] = await t.db.query('SELECT 1 FROM claims WHERE policy_id = $1', [expired.body.id]);
    expect(rows).toHaveLength(0);
    const otherElevator = await post(agent, '/claims', {
      policyId,
      elevatorId: fleet.elevators.e1,
      incidentAt: new Date().toISOString(),
      incidentType: 'injury',
      description: 'x',
    });
    expect(otherElevator.status).toBe(404);
    const insurerFiles = await post(insurerA, '/claims', {
      policyId,
      elevatorId: device.elevatorId,
      incidentAt: new Date().toISOString(),
      incidentType: 'other',
      description: 'x',
    });
    expect(insurerFiles.status).toBe(403);
  });

  it('should export the insurer’s claims as a workbook in Chinese, and only its own', async () => {
    const res = await get(insurerA, '/claims/export').buffer(true).parse(binaryBody).expect(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(new Uint8Array(res.body as Buffer).buffer);
    const ws = wb.worksheets[0];
    expect(ws?.name).toBe('理赔案件');
    expect(ws?.getRow(1).getCell(1).value).toBe('案件号');
    const numbers: string[] = [];
    ws?.eachRow((row, n) => n > 1 && numbers.push(row.getCell(1).text));
    const [mine] = await t.db.query<Array<{ claim_number: string }>>(
      `SELECT claim_number FROM claims WHERE id = $1`,
      [claimId],
    );
    expect(numbers).toContain(mine.claim_number);
    const csv = await get(await t.login(fleet.users.insurerB), '/claims/export?format=csv&lang=en').expect(
      200,
    );
    expect(csv.text).toContain('claim_number');
    expect(csv.text).not.toContain(mine.claim_number);
  });

  describe('a claim filed between two entrapments', () => {
    let second: DeviceCredentials;
    let first: AlarmBody;
    let later: AlarmBody;
    let twoPolicy: string;
    let base: number;

    beforeAll(async () => {
      [second] = (await provisionSimDevices(t, baseUrl, 1)) as [DeviceCredentials];
      await contractElevators(t, fleet.orgs.firmA, [second.elevatorId]);
      const unit = (await get(admin, `/elevators/${second.elevatorId}`).expect(200)).body.unitId as string;
      twoPolicy = (
        await post(
          admin,
          '/insurance/policies',
          insurancePolicy(fleet.orgs.insurerA, unit, [second.elevatorId], { startsOn: '2024-01-01' }),
        ).expect(201)
      ).body.id as string;
      // 12 minutes ago: trapped 120 s; six and a half minutes later trapped again, 239 s
      base = Date.now() - 12 * 60_000;
      const c = new SimulatedController({
        url: mqttUrl,
        serial: second.serial,
        secret: second.secret,
        floors: second.floors,
        periodic: false,
        reportEvents: false,
      });
      open.push(c);
      await c.start();
      const sample = (ts: number, trapped: boolean) => ({
        ch: 'status',
        seq: c.nextSeq(),
        ts,
        running: false,
        dir: 0,
        floor: 3,
        doorZone: !trapped,
        doorClosed: true,
        passenger: trapped,
        mode: 1,
      });
      const run = (from: number, seconds: number) => [
        ...Array.from({ length: Math.floor(seconds / 20) + 1 }, (_, i) =>
          sample(from + Math.min(i * 20, seconds - 1) * 1000, true),
        ),
        sample(from + seconds * 1000, false),
      ];
      await c.publishRaw(
        c.topic('batch'),
        JSON.stringify({
          items: [sample(base - 60_000, false), ...run(base, 120), ...run(base + 396_000, 239)],
        }),
      );
      const both = await waitFor(
        async () => {
          const items = (
            await get(admin, `/alarms?elevatorId=${second.elevatorId}&type=entrapment`).expect(200)
          ).body.items as AlarmBody[];
          return items.filter((a) => a.trappedSeconds !== null).length === 2 ? items : undefined;
        },
        15_000,
        'two measured entrapments',
      );
      [first, later] = [...both].sort((a, b) => a.firstSeenTs.localeCompare(b.firstSeenTs)) as [
        AlarmBody,
        AlarmBody,
      ];
      expect([first.trappedSeconds, later.trappedSeconds]).toEqual([120, 239]);
    });

    it('should attach the incident’s own entrapment and list the other apart, never the longer one', async () => {
      const res = await post(admin, '/claims', {
        policyId: twoPolicy,
        elevatorId: second.elevatorId,
        incidentAt: new Date(base + 50_000).toISOString(),
        incidentType: 'entrapment',
        description: '第一次困人，约两分钟',
        peopleAffected: 1,
      }).expect(201);
      const evidence = (await get(insurerA, `/claims/${res.body.id}/evidence`).expect(200)).body;
      expect(evidence.bundle.incident).toMatchObject({
        alarmId: first.id,
        match: 'covers',
        chosenBy: 'platform',
      });
      expect(evidence.bundle.entrapment).toMatchObject({ alarmId: first.id, trappedSeconds: 120 });
      expect(evidence.bundle.alarms.map((a: { id: string }) => a.id)).toEqual([first.id]);
      expect(evidence.bundle.otherAlarms.map((a: { id: string }) => a.id)).toEqual([later.id]);
      // a 2-minute entrapment is under the 15-minute tier: no payout suggested from the later one
      expect(res.body.suggestedPayout).toMatchObject({ trappedMinutes: 2, tier: null });
    });

    it('should freeze only what the platform had at filing, and let the handler name another alarm, audited', async () => {
      const now = Date.now();
      // stored before the freeze but stamped beyond the accepted clock skew (a seeded "future"
      // sample), and a sample that reached the platform only after the freeze
      await t.db.query(
        `INSERT INTO telemetry_status (elevator_id, device_id, ts, seq, received_at, running, direction, floor, door_zone,
                                       door_closed, passenger, mode)
         SELECT $1, d.id, x.ts, x.seq, x.received, false, 0, 3, true, true, false, 1
           FROM devices d, (VALUES (to_timestamp($2 / 1000.0), 9000001, now()),
                                   (to_timestamp($3 / 1000.0), 9000002, now() + interval '10 minutes')) AS x(ts, seq, received)
          WHERE d.serial = $4`,
        [second.elevatorId, now + 6 * 60_000, now - 2 * 60_000, second.serial],
      );
      const res = await post(admin, '/claims', {
        policyId: twoPolicy,
        elevatorId: second.elevatorId,
        incidentAt: new Date(base + 400_000).toISOString(),
        incidentType: 'entrapment',
        description: '第二次困人',
        peopleAffected: 2,
      }).expect(201);
      const evidence = (await get(insurerA, `/claims/${res.body.id}/evidence`).expect(200)).body;
      expect(evidence.bundle.incident.alarmId).toBe(later.id);
      const frozen = Date.parse(evidence.bundle.frozenAt);
      const stamped = (evidence.bundle.telemetry.samples as Array<{ ts: string; seq: string | number }>).map(
        (x) => ({
          ts: Date.parse(x.ts),
          seq: Number(x.seq),
        }),
      );
      expect(stamped.length).toBeGreaterThan(10);
      expect(stamped.every((x) => x.ts <= frozen + 300_000)).toBe(true);
      expect(stamped.map((x) => x.seq)).not.toContain(9000001);
      expect(stamped.map((x) => x.seq)).not.toContain(9000002);

      // the handler decides the incident was the first: evidence frozen again, the first version kept
      const refrozen = (
        await post(insurerA, `/claims/${res.body.id}/incident-alarm`, {
          alarmId: first.id,
          reason: '住户来电确认报案时间有误',
        }).expect(200)
      ).body;
      expect(refrozen.version).toBe(2);
      expect(refrozen.bundle.incident).toMatchObject({
        alarmId: first.id,
        chosenBy: 'handler',
        match: 'named',
      });
      expect(refrozen.versions.map((v: { version: number; hash: string }) => v.hash)).toEqual([
        evidence.hash,
        refrozen.hash,
      ]);
      const claim = (await get(insurerA, `/claims/${res.body.id}`).expect(200)).body;
      expect(claim.evidenceHash).toBe(refrozen.hash);
      const audit = (await get(admin, `/audit-log?entityType=claim&entityId=${res.body.id}`).expect(200)).body
        .items as Array<{ action: string }>;
      expect(audit.map((a) => a.action)).toContain('claim.incident_alarm');
      // another elevator's alarm is not an incident of this one
      await post(insurerA, `/claims/${res.body.id}/incident-alarm`, {
        alarmId: entrapment.id,
        reason: '别的电梯',
      }).expect(400);
    });
  });
});
