import { SimulatedController } from '../device-sim/src';
import { TelemetryJobsService } from '@liftwatch/telemetry';
import { ensureTestRegions } from './support/fleet.fixture';
import { newRegistrationCode, startTestApp, type TestApp, uniq, USER_PASSWORD } from './support/test-app';
import { binaryBody, waitFor } from './support/wait';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { pdfFonts, pdfToPngs, pdfToText } from './support/pdf';

const ARTIFACTS = join(__dirname, '..', 'test-artifacts', 'pdf');

const auth = { type: 'bearer' as const };
/** A 7-floor unit, two flats a floor, mixed areas (m²). */
const AREAS: Array<[number, number]> = [
  [60, 80],
  [60.5, 79.5],
  [72, 88],
  [65, 95],
  [70, 70],
  [58.25, 101.75],
  [90, 90],
];
const BUDGET = 70_000_000; // CNY 700 000.00

interface Flat {
  id: string;
  floor: number;
  areaM2: number;
  ownerId: string;
}

describe('owners: project, consent vote, cost split and monthly statements', () => {
  let t: TestApp;
  let admin: string;
  let mqttUrl: string;
  const open: SimulatedController[] = [];

  const post: TestApp['post'] = (...a) => t.post(...a);
  const get: TestApp['get'] = (...a) => t.get(...a);

  /** A unit with flats of the given areas per floor, one owner each, and an agent user. */
  const newUnit = async (areas: Array<[number, number] | [number]>) => {
    const b = await post(admin, '/buildings', {
      regionCode: '440106',
      community: `加梯小区${uniq()}`,
      name: '3栋',
      address: '广州市天河区加梯路3号',
    }).expect(201);
    const u = await post(admin, '/units', {
      buildingId: b.body.id,
      name: '1单元',
      floorCount: areas.length,
    }).expect(201);
    const unitId = u.body.id as string;
    const flats: Flat[] = [];
    for (const [i, floorAreas] of areas.entries()) {
      for (const [j, areaM2] of floorAreas.entries()) {
        const f = await post(admin, '/flats', {
          unitId,
          number: `${i + 1}0${j + 1}`,
          floor: i + 1,
          areaM2,
        }).expect(201);
        const owners = await t
          .http()
          .put(`/api/v1/flats/${f.body.id}/owners`)
          .auth(admin, auth)
          .send({
            effectiveFrom: '2020-01-01',
            owners: [{ name: `业主${i + 1}0${j + 1}`, sharePercent: 100 }],
          })
          .expect(200);
        flats.push({
          id: f.body.id as string,
          floor: i + 1,
          areaM2,
          ownerId: (owners.body as Array<{ ownerId: string }>)[0].ownerId,
        });
      }
    }
    const agentName = `agent.${uniq()}`;
    await post(admin, '/users', {
      username: agentName,
      password: USER_PASSWORD,
      displayName: 'agent',
      role: 'agent',
      unitId,
    }).expect(201);
    return { unitId, flats, agent: await t.login(agentName) };
  };

  const ownerLogin = async (ownerId: string): Promise<string> => {
    const name = `owner.${uniq()}`;
    await post(admin, '/users', {
      username: name,
      password: USER_PASSWORD,
      displayName: 'owner',
      role: 'owner',
      ownerId,
    }).expect(201);
    return t.login(name);
  };

  beforeAll(async () => {
    t = await startTestApp({ TELEMETRY_MAX_AGE_DAYS: '90' });
    mqttUrl = `mqtt://127.0.0.1:${(await t.startBroker()).tcpPort}`;
    await t.listen();
    await ensureTestRegions(t);
    admin = await t.adminToken();
  });

  afterAll(async () => {
    for (const c of open) await c.stop().catch(() => undefined);
    await t.close();
  });

  describe('consent vote', () => {
    it('should pass at exactly 2/3 and 3/4, and fail one square metre short naming the condition', async () => {
      // six flats: 100, 100, 100, 99, 100, 101 m² (600 m² in all)
      const { flats, agent } = await newUnit([
        [100, 100],
        [100, 99],
        [100, 101],
      ]);
      const project = await post(agent, '/projects', {
        unitId: (await get(admin, `/flats/${flats[0].id}`)).body.unitId,
        name: '加装电梯',
      }).expect(201);
      const id = project.body.id as string;
      const early = await post(agent, `/projects/${id}/ballots`, {
        ballots: [{ flatId: flats[0].id, answer: 'agree' }],
      });
      expect(early.status).toBe(409);
      await post(agent, `/projects/${id}/phase`, { phase: 'consent_vote', on: '2026-01-10' }).expect(200);
      const [a, b, c, d, e] = flats;
      // 400 of 600 m² and 4 of 6 owners take part (exactly 2/3); 300 of 400 m² and 3 of 4 agree (exactly 3/4)
      const exact = await post(agent, `/projects/${id}/ballots`, {
        ballots: [
          { flatId: a.id, answer: 'agree' },
          { flatId: b.id, answer: 'agree' },
          { flatId: c.id, answer: 'agree' },
          { flatId: e.id, answer: 'disagree' },
        ],
      }).expect(200);
      expect(exact.body.passed).toBe(true);
      expect(exact.body.conditions.map((x: { reached: number; of: number }) => [x.reached, x.of])).toEqual([
        [400, 600],
        [4, 6],
        [300, 400],
        [3, 4],
      ]);
      // the disagreeing 100 m² flat leaves and the 99 m² one takes part instead: 399 m² < 400 m²
      const short = await post(agent, `/projects/${id}/ballots`, {
        ballots: [
          { flatId: e.id, answer: 'none' },
          { flatId: d.id, answer: 'disagree' },
        ],
      }).expect(200);
      expect(short.body.passed).toBe(false);
      expect(short.body.failed).toEqual(['participation_area']);
      expect(short.body.conditions[0]).toMatchObject({ reached: 399, of: 600, shortBy: 1, unit: 'm2' });
      const gate = await post(agent, `/projects/${id}/phase`, {
        phase: 'agreement_published',
        on: '2026-02-01',
      });
      expect(gate.status).toBe(422);
      expect(gate.body.code).toBe('VOTE_NOT_PASSED');
    });
  });

  describe('a 7-floor unit on the Guangzhou preset', () => {
    let unit: Awaited<ReturnType<typeof newUnit>>;
    let projectId: string;
    let elevatorId: string;
    /** the elevator's controller and its clock, from the meter test on */
    const meter = { c: null as SimulatedController | null, now: 0 };

    beforeAll(async () => {
      unit = await newUnit(AREAS);
      const p = await post(unit.agent, '/projects', { unitId: unit.unitId, name: '3栋1单元加装电梯' }).expect(
        201,
      );
      projectId = p.body.id as string;
      await post(unit.agent, `/projects/${projectId}/phase`, {
        phase: 'consent_vote',
        on: '2026-01-10',
      }).expect(200);
      await post(unit.agent, `/projects/${projectId}/ballots`, {
        ballots: unit.flats.map((f) => ({ flatId: f.id, answer: 'agree' })),
      }).expect(200);
      const agreement = await post(unit.agent, `/projects/${projectId}/agreement`, {
        signedOn: '2026-01-25',
        constructionBudgetFen: BUDGET,
        subsidyFen: 14_000_000,
        constructionScheme: { kind: 'floor_coefficient', preset: 'guangzhou' },
        runningScheme: { kind: 'floor_coefficient', preset: 'guangzhou' },
        operatingModel: 'owner_run',
        tariff: { kind: 'flat', priceCentifen: 6000 },
      }).expect(201);
      expect(agreement.body.agreement.constructionScheme.floorCoefficients).toEqual({
        1: 0,
        2: 500,
        3: 1000,
        4: 1100,
        5: 1200,
        6: 1300,
        7: 1400,
      });
    });

    it('should split construction by floor coefficient and area as by hand, to the fen', async () => {
      const funding = (await get(unit.agent, `/projects/${projectId}/funding?limit=500`).expect(200)).body
        .items as Array<{
        ownerId: string;
        shareFen: number;
        subsidyFen: number;
        netFen: number;
      }>;
      const byOwner = new Map(funding.map((l) => [l.ownerId, l]));
      expect(funding.reduce((a, l) => a + l.shareFen, 0)).toBe(BUDGET);
      expect(funding.reduce((a, l) => a + l.subsidyFen, 0)).toBe(14_000_000);
      const coef = [0, 0.5, 1.0, 1.1, 1.2, 1.3, 1.4];
      for (const f of unit.flats) {
        const floorArea = AREAS[f.floor - 1][0] + AREAS[f.floor - 1][1];
        const exact = ((BUDGET * coef[f.floor - 1]) / 6.5) * (f.areaM2 / floorArea);
        expect(Math.abs(byOwner.get(f.ownerId)!.shareFen - exact)).toBeLessThan(1);
      }
      // floor 5: two 70 m² flats share 1.2/6.5 of the budget equally
      expect(byOwner.get(unit.flats[8].ownerId)!.shareFen).toBe(6_461_538);
      expect(byOwner.get(unit.flats[0].ownerId)).toMatchObject({ shareFen: 0, netFen: 0 });
      // the provident fund withdrawal is capped at the share after subsidy
      const owner = unit.flats[13];
      const capped = (
        await post(unit.agent, `/projects/${projectId}/funding`, {
          ownerId: owner.ownerId,
          providentFundRequestFen: 99_000_000,
        }).expect(200)
      ).body as Array<{
        ownerId: string;
        netFen: number;
        providentFundFen: number;
        providentFundRefusedFen: number;
        cashFen: number;
      }>;
      const line = capped.find((l) => l.ownerId === owner.ownerId)!;
      expect(line.providentFundFen).toBe(line.netFen);
      expect(line.cashFen).toBe(0);
      expect(line.providentFundRefusedFen).toBe(99_000_000 - line.netFen);
      // an owner sees their own funding line only
      const ownerToken = await ownerLogin(owner.ownerId);
      const own = (await get(ownerToken, `/projects/${projectId}/funding`).expect(200)).body.items as Array<{
        ownerId: string;
      }>;
      expect(own.map((l) => l.ownerId)).toEqual([owner.ownerId]);
    });

    it('should refuse a malformed agreement with field-level errors and keep the agreement on file', async () => {
      const base = {
        signedOn: '2026-01-26',
        constructionBudgetFen: BUDGET,
        runningScheme: { kind: 'area' },
        operatingModel: 'owner_run',
      };
      const cases: Array<[object, string, string]> = [
        [
          { ...base, constructionScheme: { kind: 'floor_coefficient', floorCoefficients: { 1: 0 } } },
          'constructionScheme',
          'no coefficient for floor 2',
        ],
        [
          { ...base, constructionScheme: { kind: 'custom_percent', customBasisPoints: { x: 100 } } },
          'constructionScheme',
          'add up to 100 %',
        ],
        [
          { ...base, constructionScheme: { kind: 'area' }, tariff: { kind: 'time_of_use', periods: [] } },
          'tariff',
          'each hour',
        ],
        [
          { ...base, constructionScheme: { kind: 'area' }, operatingModel: 'leased' },
          'leaseMonthlyFeeFen',
          'monthly fee',
        ],
        [{ ...base, constructionScheme: { kind: 'pyramid' } }, 'constructionScheme.kind', 'must be one of'],
      ];
      for (const [body, field, message] of cases) {
        const res = await post(unit.agent, `/projects/${projectId}/agreement`, body);
        expect(res.status).toBe(400);
        expect(res.body.fields[0].field).toBe(field);
        expect(res.body.fields[0].messages.join(' ')).toContain(message);
      }
      const project = (await get(unit.agent, `/projects/${projectId}`).expect(200)).body;
      expect(project.agreement).toMatchObject({ version: 1, constructionBudgetFen: BUDGET });
    });

    it("should preview each flat's shares before recording, and keep every agreement version", async () => {
      const draft = {
        signedOn: '2026-01-27',
        constructionBudgetFen: BUDGET,
        subsidyFen: 14_000_000,
        constructionScheme: {
          kind: 'floor_coefficient',
          preset: 'guangzhou',
          groundFloorCompensationFen: 300_000,
        },
        runningScheme: { kind: 'area' },
        operatingModel: 'owner_run',
      };
      const preview = (await post(unit.agent, `/projects/${projectId}/agreement/preview`, draft).expect(200))
        .body as {
        subsidyFen: number;
        flats: Array<{
          flatId: string;
          floor: number;
          areaM2: number;
          constructionFen: number;
          runningBasisPoints: number;
        }>;
      };
      expect(preview.flats).toHaveLength(14);
      // the ground floor receives its compensation; the others carry budget + 2 × compensation
      for (const f of preview.flats.filter((x) => x.floor === 1)) expect(f.constructionFen).toBe(-300_000);
      expect(preview.flats.reduce((a, f) => a + f.constructionFen, 0)).toBe(BUDGET);
      expect(preview.subsidyFen).toBe(14_000_000);
      // running costs by area: 90 m² of the unit's total area, in basis points
      const totalArea = AREAS.flat().reduce((a, x) => a + x, 0);
      const top = preview.flats.find((f) => f.floor === 7)!;
      expect(Math.abs(top.runningBasisPoints - (10_000 * 90) / totalArea)).toBeLessThan(1);
      expect(preview.flats.reduce((a, f) => a + f.runningBasisPoints, 0)).toBe(10_000);
      // nothing was recorded; a bad draft gets the same field errors as recording
      const versions = (await get(unit.agent, `/projects/${projectId}/agreements`).expect(200)).body
        .items as Array<{
        version: number;
        createdBy: string;
      }>;
      expect(versions.map((v) => v.version)).toEqual([1]);
      const bad = await post(unit.agent, `/projects/${projectId}/agreement/preview`, {
        ...draft,
        runningScheme: { kind: 'custom_percent', customBasisPoints: {} },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.fields[0].field).toBe('runningScheme');
      // owners read the agreement but do not draft one
      const owner = await ownerLogin(unit.flats[3].ownerId);
      expect((await post(owner, `/projects/${projectId}/agreement/preview`, draft)).status).toBe(403);
      expect((await get(owner, `/projects/${projectId}/agreements`).expect(200)).body.items).toHaveLength(1);
      // the ballots as recorded, flat by flat
      const ballots = (await get(owner, `/projects/${projectId}/ballots`).expect(200)).body.items as Array<{
        flatId: string;
        answer: string | null;
        recordedBy: string | null;
      }>;
      expect(ballots).toHaveLength(14);
      expect(ballots.every((b) => b.answer === 'agree' && b.recordedBy?.startsWith('agent.'))).toBe(true);
    });

    it('should refuse statements before the elevator is in operation', async () => {
      const res = await post(unit.agent, `/projects/${projectId}/statements`, { month: '2026-09' });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('NOT_IN_OPERATION');
    });

    it('should split a month between old and new owner by days (transfer on the 11th of September)', async () => {
      const e = await post(admin, '/elevators', {
        unitId: unit.unitId,
        registrationCode: newRegistrationCode('440106'),
        commissionedOn: '2026-07-20',
        servedFloors: [1, 2, 3, 4, 5, 6, 7],
      }).expect(201);
      elevatorId = e.body.id as string;
      for (const [phase, on] of [
        ['agreement_published', '2026-02-01'],
        ['joint_review', '2026-03-01'],
        ['construction', '2026-04-01'],
        ['acceptance', '2026-07-20'],
        ['in_operation', '2026-08-01'],
      ] as const) {
        await post(unit.agent, `/projects/${projectId}/phase`, { phase, on }).expect(200);
      }
      const firm = await post(admin, '/organisations', {
        kind: 'maintenance_firm',
        name: `维保${uniq()}`,
        licenceNumber: `TS-${uniq()}`,
        creditRating: 'A',
      }).expect(201);
      await post(admin, '/maintenance/contracts', {
        contractNumber: `WB-${uniq()}`,
        unitId: unit.unitId,
        firmId: firm.body.id,
        elevatorIds: [elevatorId],
        ownersRepresentative: '业主代表',
        signedOn: '2026-07-20',
        startsOn: '2026-08-01',
        endsOn: '2027-07-31',
        annualFeeFen: 365_000,
        policyCode: 'tsg-t5002',
      }).expect(201);
      const seller = unit.flats[12]; // 7th floor, 90 m²
      const transfer = await t
        .http()
        .put(`/api/v1/flats/${seller.id}/owners`)
        .auth(admin, auth)
        .send({ effectiveFrom: '2026-09-11', owners: [{ name: `新业主${uniq()}`, sharePercent: 100 }] })
        .expect(200);
      const buyerId = (transfer.body as Array<{ ownerId: string; validTo: string | null }>).find(
        (o) => o.validTo === null,
      )!.ownerId;

      const statement = (
        await post(unit.agent, `/projects/${projectId}/statements`, { month: '2026-09' }).expect(201)
      ).body;
      const maintenance = statement.lines.find((l: { category: string }) => l.category === 'maintenance');
      expect(maintenance).toMatchObject({ amountFen: 30_000, data: { days: 30 } });
      expect(statement.totalFen).toBe(30_000);
      const rows = statement.allocations.filter((a: { flatId: string }) => a.flatId === seller.id);
      expect(
        rows.map(
          (r: { ownerId: string; days: number; ownerFen: number; periodFrom: string; periodTo: string }) => [
            r.ownerId,
            r.days,
            r.periodFrom,
            r.periodTo,
          ],
        ),
      ).toEqual([
        [seller.ownerId, 10, '2026-09-01', '2026-09-10'],
        [buyerId, 20, '2026-09-11', '2026-09-30'],
      ]);
      const flatFen = rows[0].flatFen as number;
      expect(rows[0].ownerFen + rows[1].ownerFen).toBe(flatFen);
      expect(Math.abs(rows[0].ownerFen - flatFen / 3)).toBeLessThanOrEqual(1);
      expect(statement.allocations.reduce((a: number, r: { ownerFen: number }) => a + r.ownerFen, 0)).toBe(
        30_000,
      );

      // what each sees: the seller only their own rows; the agent all; a stranger nothing
      const sellerToken = await ownerLogin(seller.ownerId);
      const mine = (await get(sellerToken, `/statements?month=2026-09`).expect(200)).body.items as Array<{
        allocations: Array<{ ownerId: string }>;
      }>;
      expect(mine).toHaveLength(1);
      expect(mine[0].allocations.map((a) => a.ownerId)).toEqual([seller.ownerId]);
      // the working, to redo by hand: 300.00 × 1.4 ÷ 6.5 × 90 ÷ 180 = 32.307… → ¥32.31; 10 of 30 days
      const working = (mine[0].allocations[0] as unknown as { workingText: string }).workingText;
      expect(working).toContain(
        '楼层系数 1.4 ÷ 系数合计 6.5 × 本户面积 90 m² ÷ 本层面积 180 m² × 分摊总额 ¥300.00 = ¥32.31',
      );
      expect(working).toContain(`持有 10/30 天 = 应缴 ¥${(rows[0].ownerFen / 100).toFixed(2)}`);
      // the owners hear of it on their notification channel; another unit's owners do not
      // (the buyer, who owns the flat now; notices go to a unit's current owners)
      // — each owner's notice states that owner's amount, the unit's total only as context
      const buyerToken = await ownerLogin(buyerId);
      type Notice = {
        kind: string;
        title: string;
        data: { statementId?: string; ownerFen?: number; totalFen?: number };
      };
      const notices = (await get(buyerToken, '/notifications').expect(200)).body.items as Notice[];
      expect(notices.filter((n) => n.kind === 'statement_issued')).toEqual([]);
      expect(notices.filter((n) => n.kind === 'statement_due')).toEqual([
        expect.objectContaining({
          data: expect.objectContaining({
            statementId: statement.id,
            ownerFen: rows[1].ownerFen,
            totalFen: 30_000,
          }),
        }),
      ]);
      const sellerNotices = (await get(sellerToken, '/notifications').expect(200)).body.items as Notice[];
      expect(sellerNotices.filter((n) => n.kind === 'statement_due').map((n) => n.data.ownerFen)).toEqual([
        rows[0].ownerFen,
      ]);
      // a neighbour never reads another owner's amount
      expect(JSON.stringify(sellerNotices)).not.toContain(buyerId);
      const agentNotices = (await get(unit.agent, '/notifications').expect(200)).body.items as Notice[];
      expect(agentNotices.filter((n) => n.kind === 'statement_issued').map((n) => n.data.totalFen)).toEqual([
        30_000,
      ]);
      expect(agentNotices.filter((n) => n.kind === 'statement_due')).toEqual([]);
      const elsewhere = await newUnit([[80], [80], [80]]);
      const outsider = await ownerLogin(elsewhere.flats[0].ownerId);
      const theirs = (await get(outsider, '/notifications').expect(200)).body.items as Notice[];
      expect(theirs.filter((n) => n.kind.startsWith('statement'))).toHaveLength(0);
      const agentView = (await get(unit.agent, `/statements/${statement.id}`).expect(200)).body;
      expect(agentView.allocations.length).toBe(15);
      const stranger = await ownerLogin(unit.flats[0].ownerId);
      expect(
        (await get(stranger, `/statements/${statement.id}`)).body.allocations.map(
          (a: { ownerId: string }) => a.ownerId,
        ),
      ).toEqual([unit.flats[0].ownerId]);
      const csv = await get(sellerToken, `/statements/${statement.id}/csv`).expect(200);
      expect(csv.text).toContain('维保费'); // Chinese by default
      expect(csv.text).toContain(statement.statementNumber);
      expect(csv.text).not.toContain(buyerId);
      const csvEn = await get(sellerToken, `/statements/${statement.id}/csv?lang=en`).expect(200);
      expect(csvEn.text).toContain('Maintenance contract');
      const pdf = await get(sellerToken, `/statements/${statement.id}/pdf`)
        .buffer(true)
        .parse(binaryBody)
        .expect(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      const pdfText = await pdfToText(pdf.body as Buffer);
      expect(pdfText).toContain('电梯运行费用月结单');
      expect(pdfText).toContain('维保费');
      expect(pdfText).toContain(statement.statementNumber);
      // The Chinese font travels inside the file, subsetted.
      expect(await pdfFonts(pdf.body as Buffer)).toMatch(/NotoSansSC.*yes\s+yes/);
      // Pages as images, to look at (test-artifacts/, kept by CI).
      await mkdir(ARTIFACTS, { recursive: true });
      await pdfToPngs(pdf.body as Buffer, ARTIFACTS, 'statement-owner-zh');
      const agentPdf = await get(unit.agent, `/statements/${statement.id}/pdf?lang=en`)
        .buffer(true)
        .parse(binaryBody)
        .expect(200);
      await pdfToPngs(agentPdf.body as Buffer, ARTIFACTS, 'statement-agent-en');
      const xlsx = await get(unit.agent, `/statements/${statement.id}/xlsx`)
        .buffer(true)
        .parse(binaryBody)
        .expect(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((xlsx.body as Buffer).buffer as ArrayBuffer);
      expect(wb.worksheets.map((w) => w.name)).toEqual(['费用明细', '分摊明细']);
      const shares = wb.getWorksheet('分摊明细');
      expect(shares?.rowCount).toBe(1 + 15);

      const again = await post(unit.agent, `/projects/${projectId}/statements`, { month: '2026-09' });
      expect(again.status).toBe(409);
      await expect(
        t.db.query(`UPDATE cost_statements SET total_fen = 0 WHERE id = $1`, [statement.id]),
      ).rejects.toThrow();
    });

    it('should charge metered kWh across a meter replacement once, and carry a late September cost as an adjustment', async () => {
      const device = await post(admin, '/devices', { serial: `LW-C-${uniq()}`, elevatorId }).expect(201);
      meter.now = Date.parse('2026-10-05T02:00:00Z');
      const c = new SimulatedController({
        url: mqttUrl,
        serial: device.body.device.serial as string,
        secret: device.body.secret as string,
        floors: 7,
        periodic: false,
        now: () => meter.now,
      });
      meter.c = c;
      open.push(c);
      await c.start();
      const step = (hours: number) => {
        meter.now += hours * 3_600_000;
        c.sampleStatus();
      };
      c.sampleStatus();
      c.publishMeter();
      step(2);
      c.publishMeter();
      step(2);
      c.publishMeter();
      c.replaceMeter();
      c.publishMeter();
      step(3);
      c.publishMeter();
      const readings = await waitFor(
        async () => {
          const rows: Array<{ meter_id: string; kwh: string }> = await t.db.query(
            `SELECT meter_id, kwh FROM meter_readings WHERE elevator_id = $1 ORDER BY ts, seq`,
            [elevatorId],
          );
          return rows.length === 5 ? rows : undefined;
        },
        10_000,
        'meter readings',
      );
      const r = readings.map((x) => Number(x.kwh));
      expect(readings[3].meter_id).not.toBe(readings[2].meter_id);
      const expectedKwh = r[1] - r[0] + (r[2] - r[1]) + (r[4] - r[3]);
      expect(expectedKwh).toBeGreaterThan(0);

      await post(unit.agent, `/projects/${projectId}/cost-entries`, {
        elevatorId,
        occurredOn: '2026-09-20',
        category: 'repair',
        amountFen: 45_000,
        description: '更换门机变频器（保外）',
      }).expect(201);
      const entries = (await get(unit.agent, `/projects/${projectId}/cost-entries`).expect(200)).body;
      expect(entries.total).toBe(1);
      expect(entries.items[0]).toMatchObject({
        occurredOn: '2026-09-20',
        category: 'repair',
        amountFen: 45_000,
        elevatorId,
      });
      const october = (
        await post(unit.agent, `/projects/${projectId}/statements`, { month: '2026-10' }).expect(201)
      ).body;
      const power = october.lines.find((l: { category: string }) => l.category === 'electricity');
      expect(power.data.kwh).toBeCloseTo(expectedKwh, 3);
      // 0.60 CNY/kWh on thousandths of a kWh, rounded half up once: fen = mkWh × 6000 / 100 000
      const milliKwh = Math.round(expectedKwh * 1000);
      expect(power.amountFen).toBe(Math.floor((milliKwh * 6000 + 50_000) / 100_000));
      const adjustment = october.lines.find((l: { category: string }) => l.category === 'adjustment');
      expect(adjustment).toMatchObject({ adjustsMonth: '2026-09', amountFen: 45_000 });
      const maintenance = october.lines.find((l: { category: string }) => l.category === 'maintenance');
      expect(maintenance.amountFen).toBe(31_000);
      expect(october.totalFen).toBe(
        october.lines.reduce((a: number, l: { amountFen: number }) => a + l.amountFen, 0),
      );
      expect(october.allocations.reduce((a: number, x: { ownerFen: number }) => a + x.ownerFen, 0)).toBe(
        october.totalFen,
      );
    });

    it('should keep a meter jump out of the statement as an anomaly until a person resolves it', async () => {
      const c = meter.c as SimulatedController;
      meter.now = Date.parse('2026-11-03T02:00:00Z');
      const meterId = `M-JUMP-${uniq()}`;
      const send = async (hours: number, kwh: number): Promise<void> => {
        meter.now += hours * 3_600_000;
        await c.publishRaw(
          c.topic('meter'),
          JSON.stringify({ seq: c.nextSeq(), ts: meter.now, kwh, meterId }),
        );
      };
      // a normal hour, a jump of 2 256.4 kWh in one hour (at most 15 kWh at the default 15 kW), then
      // the register carries on from the jump
      for (const [h, kwh] of [
        [0, 500],
        [1, 500.3],
        [1, 2756.7],
        [1, 2757.0],
        [1, 2757.4],
      ] as const)
        await send(h, kwh);
      const stored = async (): Promise<number> => {
        const rows = await t.db.query<Array<{ n: string }>>(
          `SELECT count(*) AS n FROM meter_readings WHERE meter_id = $1`,
          [meterId],
        );
        return Number(rows[0]?.n);
      };
      await waitFor(async () => (await stored()) === 5, 10_000, 'the readings stored');
      await t.app.get(TelemetryJobsService).refreshRollups();
      const open = (
        await get(unit.agent, `/meter-anomalies?elevatorId=${elevatorId}&status=open`).expect(200)
      ).body.items as Array<{
        id: string;
        kind: string;
        kwh: number;
        prevKwh: number;
        deltaKwh: number;
        maxPlausibleKwh: number;
      }>;
      expect(open).toEqual([
        expect.objectContaining({
          kind: 'spike',
          kwh: 2756.7,
          prevKwh: 500.3,
          deltaKwh: 2256.4,
          maxPlausibleKwh: 15.1,
        }),
      ]);
      const spike = open[0];
      const detail = (await get(unit.agent, `/meter-anomalies/${spike.id}`).expect(200)).body as {
        around: Array<{ kwh: number }>;
      };
      expect(detail.around.map((r) => r.kwh)).toEqual(expect.arrayContaining([500.3, 2756.7, 2757]));

      // the statement counts what the meter plausibly showed, and says a reading awaits checking
      const november = (
        await post(unit.agent, `/projects/${projectId}/statements`, { month: '2026-11' }).expect(201)
      ).body;
      const power = november.lines.find((l: { category: string }) => l.category === 'electricity');
      expect(power.data.kwh).toBeCloseTo(0.3 + 0.3 + 0.4, 3);
      expect(power.data.unresolvedMeterAnomalies).toBe(1);
      expect(power.text).toContain('另有 1 个电表异常读数待核实，未计入');
      expect(power.description).toContain('not counted');
      expect(power.amountFen).toBe(Math.floor((1000 * 6000 + 50_000) / 100_000));

      // owners read it; the agent decides, once, and the decision is audited
      const owner = await ownerLogin(unit.flats[5].ownerId);
      expect((await get(owner, `/meter-anomalies/${spike.id}`)).status).toBe(200);
      expect(
        (
          await post(owner, `/meter-anomalies/${spike.id}/resolve`, {
            action: 'accept',
            reason: '我觉得没问题',
          })
        ).status,
      ).toBe(403);
      const tooMuch = await post(unit.agent, `/meter-anomalies/${spike.id}/resolve`, {
        action: 'correct',
        correctedReadingKwh: 600,
        reason: '现场抄表',
      }).expect(400);
      expect(JSON.stringify(tooMuch.body)).toContain('correctedReadingKwh');
      const fixed = (
        await post(unit.agent, `/meter-anomalies/${spike.id}/resolve`, {
          action: 'correct',
          correctedReadingKwh: 500.6,
          reason: '物业电工现场抄表 500.6 kWh，跳变为通讯故障',
        }).expect(200)
      ).body;
      expect(fixed).toMatchObject({
        status: 'corrected',
        countedKwh: 0.3,
        resolvedBy: expect.stringMatching(/^agent\./),
      });
      await post(unit.agent, `/meter-anomalies/${spike.id}/resolve`, {
        action: 'accept',
        reason: '再次确认读数',
      }).expect(409);
      const day = (
        await get(
          unit.agent,
          `/elevators/${elevatorId}/history?bucket=day&from=2026-11-02T16:00:00Z&to=2026-11-03T16:00:00Z`,
        ).expect(200)
      ).body as Array<{ kwh: number }>;
      expect(day.reduce((a, d) => a + d.kwh, 0)).toBeCloseTo(1.3, 3);
      const audit = (await get(admin, `/audit-log?entityType=meter_anomaly&entityId=${spike.id}`).expect(200))
        .body.items as Array<{ action: string }>;
      expect(audit.map((a) => a.action)).toEqual(['meter_anomaly.correct']);
      // the issued statement stays as issued; the correction goes into the next one issued
      const again = (await get(unit.agent, `/statements/${november.id}`).expect(200)).body;
      expect(again.totalFen).toBe(november.totalFen);
    });

    it('should issue pending months from the monthly job, once', async () => {
      const first = (await post(admin, '/jobs/monthly-statements/run', { month: '2026-08' }).expect(200))
        .body;
      expect(first.issued).toBeGreaterThanOrEqual(1);
      const august = (await get(unit.agent, `/statements?month=2026-08`).expect(200)).body.items as Array<{
        totalFen: number;
      }>;
      expect(august).toHaveLength(1);
      expect(august[0].totalFen).toBe(31_000);
      const second = (await post(admin, '/jobs/monthly-statements/run', { month: '2026-08' }).expect(200))
        .body;
      expect(second.issued).toBe(0);
    });
  });
});
