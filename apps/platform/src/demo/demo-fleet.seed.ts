import { type INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import { type Role, SYSTEM_PRINCIPAL, UsersService } from '@liftwatch/access';
import { addDays, addMonthsToMonth, Clock } from '@liftwatch/calendar';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { TelemetryJobsService } from '@liftwatch/telemetry';
import { provisionDemoDevices } from './demo-devices';
import { seedDemoHistory } from './demo-history.seed';
import { ProjectsService, StatementsService } from '@liftwatch/costs';
import { PoliciesService } from '@liftwatch/insurance';
import {
  ContractsService,
  InspectionsService,
  type Level,
  LEVELS,
  obligationKind,
  RecordsService,
} from '@liftwatch/maintenance';
import {
  BuildingsService,
  ElevatorsService,
  FlatsService,
  OrganisationsService,
  RegionsService,
} from '@liftwatch/registry';

/** Password of every demo user. Demo data only — never use it on a real deployment. */
export const DEMO_PASSWORD = 'liftwatch-demo';

interface UnitPlan {
  key: string;
  building: string;
  unit: string;
  floors: number;
  regionCode: string;
  registrationCode: string;
  commissionedOn: string;
  maker: 'hope' | 'west';
  firm: 'gz' | 'hz';
  insurer: 'picc' | 'ping';
}

const REGIONS = [
  { code: '440000', name: '广东省', nameEn: 'Guangdong' },
  { code: '440100', name: '广州市', nameEn: 'Guangzhou' },
  { code: '440106', name: '天河区', nameEn: 'Tianhe District' },
  { code: '440111', name: '白云区', nameEn: 'Baiyun District' },
  { code: '330000', name: '浙江省', nameEn: 'Zhejiang' },
  { code: '330100', name: '杭州市', nameEn: 'Hangzhou' },
  { code: '330106', name: '西湖区', nameEn: 'Xihu District' },
  { code: '330122', name: '桐庐县', nameEn: 'Tonglu County' },
];

const BUILDINGS = [
  {
    key: 'hj12',
    regionCode: '440106',
    community: '华景新城',
    name: '12栋',
    address: '广州市天河区华景路12号',
    builtYear: 1996,
  },
  {
    key: 'lk3',
    regionCode: '440111',
    community: '同和花园',
    name: '3栋',
    address: '广州市白云区同和路3号',
    builtYear: 1993,
  },
  {
    key: 'cy5',
    regionCode: '330106',
    community: '翠苑一区',
    name: '5幢',
    address: '杭州市西湖区文三路翠苑一区5幢',
    builtYear: 1989,
  },
  {
    key: 'tl8',
    regionCode: '330122',
    community: '迎春小区',
    name: '8幢',
    address: '杭州市桐庐县迎春南路8幢',
    builtYear: 1998,
  },
];

const UNITS: UnitPlan[] = [
  {
    key: 'hj12-1',
    building: 'hj12',
    unit: '1单元',
    floors: 7,
    regionCode: '440106',
    registrationCode: '31104401062021060101',
    commissionedOn: '2021-06-18',
    maker: 'hope',
    firm: 'gz',
    insurer: 'picc',
  },
  {
    key: 'hj12-2',
    building: 'hj12',
    unit: '2单元',
    floors: 9,
    regionCode: '440106',
    registrationCode: '31104401062022030102',
    commissionedOn: '2022-03-09',
    maker: 'west',
    firm: 'gz',
    insurer: 'ping',
  },
  {
    key: 'lk3-1',
    building: 'lk3',
    unit: '1单元',
    floors: 6,
    regionCode: '440111',
    registrationCode: '31104401112019030007',
    commissionedOn: '2019-03-22',
    maker: 'hope',
    firm: 'gz',
    insurer: 'picc',
  },
  {
    key: 'cy5-1',
    building: 'cy5',
    unit: '1单元',
    floors: 6,
    regionCode: '330106',
    registrationCode: '31103301062020110031',
    commissionedOn: '2020-11-05',
    maker: 'west',
    firm: 'hz',
    insurer: 'ping',
  },
  {
    key: 'cy5-2',
    building: 'cy5',
    unit: '2单元',
    floors: 8,
    regionCode: '330106',
    registrationCode: '31103301062023050032',
    commissionedOn: '2023-05-26',
    maker: 'hope',
    firm: 'hz',
    insurer: 'ping',
  },
  {
    key: 'tl8-1',
    building: 'tl8',
    unit: '1单元',
    floors: 6,
    regionCode: '330122',
    registrationCode: '31103301222024090003',
    commissionedOn: '2024-09-12',
    maker: 'west',
    firm: 'hz',
    insurer: 'picc',
  },
];

const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '林',
];
const GIVEN = [
  '建国',
  '秀英',
  '志强',
  '丽华',
  '国平',
  '桂兰',
  '海燕',
  '伟',
  '芳',
  '敏',
  '静',
  '磊',
  '洋',
  '婷',
];

/** Registration codes of the demo elevators (for tests and docs). */
export const DEMO_REGISTRATION_CODES = UNITS.map((u) => u.registrationCode);

/** A deterministic pseudo-random sequence, so every demo fleet is the same. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

export interface DemoLog {
  info(msg: string): void;
}

/** The national periodic-inspection schedule (TSG T7001-2023), as seeded in inspection_policies. */
const TSG_T7001_2023 = { inspectYears: [1, 4, 7, 9, 11, 13, 15], annualAfterYear: 15 };

/**
 * Loads a small realistic fleet (two provinces, four buildings, six units of 6–9 floors with two
 * flats a floor, owners, firms, insurers, makers) and a user for every role. Idempotent.
 */
export async function seedDemoFleet(app: INestApplication, log: DemoLog, dataDir: string): Promise<void> {
  const ds = app.get<DataSource>(getDataSourceToken());
  const done: unknown[] = await ds.query(`SELECT 1 FROM platform_settings WHERE key = 'demo_fleet'`);
  if (done.length > 0) {
    log.info('demo fleet already loaded');
    return;
  }
  const actor = SYSTEM_PRINCIPAL;
  const regions = app.get(RegionsService);
  const orgs = app.get(OrganisationsService);
  const buildings = app.get(BuildingsService);
  const flats = app.get(FlatsService);
  const elevators = app.get(ElevatorsService);
  const users = app.get(UsersService);
  const contracts = app.get(ContractsService);
  const inspections = app.get(InspectionsService);
  const policies = app.get(PoliciesService);
  const records = app.get(RecordsService);
  const clock = app.get(Clock);
  const rnd = lcg(20260101);

  for (const r of REGIONS) {
    const existing: unknown[] = await ds.query('SELECT 1 FROM regions WHERE code = $1', [r.code]);
    if (existing.length === 0) await regions.create(actor, r);
  }

  const firmGz = await orgs.create(actor, {
    kind: 'maintenance_firm',
    name: '广州安达电梯维保有限公司',
    licenceNumber: 'TS3444001-2027',
    creditRating: 'A',
    regionCode: '440100',
    dutyPhone: '020-87650001',
    licenceValidUntil: '2027-12-31',
  });
  const firmHz = await orgs.create(actor, {
    kind: 'maintenance_firm',
    name: '杭州西子梯联维保有限公司',
    licenceNumber: 'TS3433002-2026',
    creditRating: 'B',
    regionCode: '330100',
    dutyPhone: '0571-86860002',
    licenceValidUntil: '2026-12-31',
  });
  const picc = await orgs.create(actor, {
    kind: 'insurer',
    name: '安泰财产保险股份有限公司',
    dutyPhone: '95500',
  });
  const ping = await orgs.create(actor, {
    kind: 'insurer',
    name: '永平财产保险有限公司',
    dutyPhone: '95511',
  });
  const hope = await orgs.create(actor, { kind: 'manufacturer', name: '华日电梯制造有限公司' });
  const west = await orgs.create(actor, { kind: 'manufacturer', name: '西岭电梯股份有限公司' });
  const installer = await orgs.create(actor, { kind: 'installer', name: '粤浙加装电梯工程有限公司' });
  const makerId = { hope: hope.id, west: west.id };
  const firmId = { gz: firmGz.id, hz: firmHz.id };
  const insurerId = { picc: picc.id, ping: ping.id };

  const buildingId = new Map<string, string>();
  for (const b of BUILDINGS) {
    const { key, ...dto } = b;
    buildingId.set(key, (await buildings.createBuilding(actor, dto)).id);
  }

  const unitId = new Map<string, string>();
  const firstOwnerOf = new Map<string, string>();
  for (const u of UNITS) {
    const unit = await buildings.createUnit(actor, {
      buildingId: buildingId.get(u.building) ?? '',
      name: u.unit,
      floorCount: u.floors,
    });
    unitId.set(u.key, unit.id);
    for (let floor = 1; floor <= u.floors; floor++) {
      for (const door of ['01', '02']) {
        const area = Math.round((58 + rnd() * 40) * 100) / 100;
        const flat = await flats.create(actor, {
          unitId: unit.id,
          number: `${floor}${door}`,
          floor,
          areaM2: area,
        });
        const name = () =>
          `${SURNAMES[Math.floor(rnd() * SURNAMES.length)]}${GIVEN[Math.floor(rnd() * GIVEN.length)]}`;
        const phone = () => `13${Math.floor(100000000 + rnd() * 899999999)}`;
        const coOwned = rnd() < 0.25;
        const owners = coOwned
          ? [
              { name: name(), phone: phone(), sharePercent: 50 },
              { name: name(), sharePercent: 50 },
            ]
          : [{ name: name(), phone: phone(), sharePercent: 100 }];
        const history = await flats.transfer(actor, flat.id, { effectiveFrom: '2015-01-01', owners });
        if (floor === u.floors && door === '02' && history[0]) firstOwnerOf.set(u.key, history[0].ownerId);
      }
    }
    const elevator = await elevators.create(actor, {
      unitId: unit.id,
      registrationCode: u.registrationCode,
      equipmentCode: `${u.maker === 'hope' ? 'HR' : 'XL'}${u.registrationCode.slice(10, 16)}${u.registrationCode.slice(-4)}`,
      useCertificateNo: `梯11${u.regionCode.startsWith('44') ? '粤A' : '浙A'}${u.registrationCode.slice(-5)}(${u.commissionedOn.slice(2, 4)})`,
      rescueCode: String(10000 + Math.floor(rnd() * 89999)),
      manufacturerId: makerId[u.maker],
      installerId: installer.id,
      model: u.maker === 'hope' ? 'HR-MRL 450' : 'XL-Home 630',
      commissionedOn: u.commissionedOn,
      servedFloors: Array.from({ length: u.floors }, (_, i) => i + 1),
      ratedLoadKg: u.maker === 'hope' ? 450 : 630,
      ratedSpeedMps: 1.0,
    });
    await contracts.create(actor, {
      contractNumber: `WB-${u.registrationCode.slice(-8)}`,
      unitId: unit.id,
      firmId: firmId[u.firm],
      elevatorIds: [elevator.id],
      ownersRepresentative: `${u.unit}业主代表`,
      signedOn: u.commissionedOn,
      startsOn: u.commissionedOn,
      endsOn: '2027-12-31',
      annualFeeFen: 360000,
      includesCallouts: true,
      policyCode: 'tsg-t5002',
    });
    // Inspection history under TSG T7001-2023; the first unit's latest one was never done (overdue).
    const today = clock.today();
    const base = u.commissionedOn.slice(0, 7);
    const due: string[] = [];
    for (let year = 1; addMonthsToMonth(base, 12 * year) <= today.slice(0, 7); year++) {
      due.push(addMonthsToMonth(base, 12 * year));
    }
    const skipLast = u === UNITS[0];
    for (const [i, month] of due.entries()) {
      if (skipLast && i === due.length - 1) break;
      const year = i + 1;
      const inspectedOn = `${month}-10` <= today ? `${month}-10` : today;
      await inspections.create(actor, elevator.id, {
        kind: obligationKind(TSG_T7001_2023, year),
        inspectedOn,
        result: 'pass',
        reportNumber: `JY-${u.registrationCode.slice(-6)}-${year}`,
        inspectorOrganisation: u.regionCode.startsWith('44')
          ? '广州市特种设备检测研究院'
          : '杭州市特种设备检测研究院',
        feeFen: 38000,
      });
    }
    // Owners renew the elevator's insurance every year on the commissioning anniversary: last
    // year's policy (expired) and this year's.
    const anniversary = (yearsAfter: number): string =>
      addMonthsToMonth(u.commissionedOn.slice(0, 7), 12 * yearsAfter) + u.commissionedOn.slice(7);
    let year = 0;
    while (anniversary(year + 1) <= today) year++;
    for (const y of [year - 1, year].filter((y) => y >= 0)) {
      await policies.create(actor, {
        policyNumber: `BD-${u.registrationCode.slice(-8)}-${anniversary(y).slice(0, 4)}`,
        insurerId: insurerId[u.insurer],
        policyholderKind: 'owners',
        policyholderUnitId: unit.id,
        policyholderName: `${u.unit}全体业主`,
        elevatorIds: [elevator.id],
        startsOn: anniversary(y),
        endsOn: addDays(anniversary(y + 1), -1),
        premiumFen: 120000,
        coverTypes: ['third_party_liability', 'maintenance_repair', 'inspection_fees'],
        limits: { perIncidentFen: 100000000, perPersonFen: 50000000 },
        deductibleFen: 0,
        entrapmentTiers: [
          { minMinutes: 15, payoutFenPerPerson: 20000 },
          { minMinutes: 30, payoutFenPerPerson: 50000 },
        ],
      });
    }
  }

  // Maintenance visits of the last three months, about every two weeks, signed by two
  // technicians; the first unit's firm stopped coming a month ago (overdue on the regulator's list).
  const checklist = await ds.query<Array<{ code: string; level: string }>>(
    `SELECT code, level FROM maintenance_checklist_items WHERE active ORDER BY position`,
  );
  const itemsUpTo = (level: Level): Array<{ code: string; result: 'ok' }> =>
    checklist
      .filter((i) => LEVELS.indexOf(i.level as Level) <= LEVELS.indexOf(level))
      .map((i) => ({ code: i.code, result: 'ok' as const }));
  const demoElevators = await ds.query<Array<{ id: string; registration_code: string }>>(
    `SELECT id, registration_code FROM elevators WHERE registration_code = ANY($1::text[]) ORDER BY registration_code`,
    [DEMO_REGISTRATION_CODES],
  );
  const visits = new Map<string, Array<{ from: number; to: number }>>();
  for (const e of demoElevators) {
    const lastDaysAgo = e.registration_code === UNITS[0]?.registrationCode ? 25 : 4;
    for (let daysAgo = 88, n = 0; daysAgo >= lastDaysAgo; daysAgo -= 14, n++) {
      const level: Level = n === 0 ? 'annual' : 'half_month';
      const arrived = new Date(`${addDays(clock.today(), -daysAgo)}T09:30:00+08:00`);
      const departed = new Date(arrived.getTime() + 70 * 60_000);
      visits.set(e.id, [
        ...(visits.get(e.id) ?? []),
        { from: arrived.getTime() + 5 * 60_000, to: departed.getTime() - 5 * 60_000 },
      ]);
      await records.create(actor, e.id, {
        kind: 'routine',
        level,
        arrivedAt: arrived.toISOString(),
        departedAt: departed.toISOString(),
        technicians: [
          { name: '李建国', certificateNumber: 'T1-4401-2018-0312' },
          { name: '陈志强', certificateNumber: 'T1-4401-2020-0877' },
        ],
        items: itemsUpTo(level),
      });
    }
  }

  // The controllers and what they reported over the last two months (meter hourly; trips as far
  // back as raw telemetry is accepted), rolled up — so history, charts and the electricity lines
  // of last month's statements are real on the first start.
  const credentials = await provisionDemoDevices(app, dataDir);
  const deviceIds = new Map(
    (
      await ds.query<Array<{ id: string; serial: string }>>(
        `SELECT id, serial FROM devices WHERE serial = ANY($1)`,
        [credentials.map((c) => c.serial)],
      )
    ).map((d) => [d.serial, d.id]),
  );
  const telemetryJobs = app.get(TelemetryJobsService, { strict: false });
  await telemetryJobs.maintainPartitions();
  const history = await seedDemoHistory(
    ds,
    credentials.map((c) => ({
      elevatorId: c.elevatorId,
      deviceId: deviceIds.get(c.serial) ?? '',
      serial: c.serial,
      floors: c.floors,
      visits: visits.get(c.elevatorId),
    })),
    clock.today(),
    {
      meterDays: 62,
      tripDays: Math.min(30, app.get<AppConfig>(APP_CONFIG).telemetry.maxAgeDays - 1),
      endsAt: new Date(),
    },
  );
  await telemetryJobs.refreshRollups(1_000_000);
  log.info(`demo history: ${history.meterReadings} meter readings, ${history.samples} status samples`);

  // Each unit's retrofit project, voted and agreed on the Guangzhou preset, in operation since
  // commissioning; last month's running-cost statement issued, so owners have one to open.
  const projects = app.get(ProjectsService, { strict: false });
  const statements = app.get(StatementsService, { strict: false });
  const lastMonth = addMonthsToMonth(clock.today().slice(0, 7), -1);
  for (const u of UNITS) {
    const id = unitId.get(u.key) ?? '';
    const project = await projects.create(actor, { unitId: id, name: `${u.unit}加装电梯` });
    const on = (days: number): string => addDays(u.commissionedOn, days);
    await projects.advance(actor, project.id, { phase: 'consent_vote', on: on(-300) });
    // paper ballots of the owners' meeting, entered with the days they were cast, by the agent
    await projects.recordBallots(
      actor,
      project.id,
      {
        ballots: project.flats.map((f, i) => ({
          flatId: f.flatId,
          answer: f.floor === 1 && i % 2 === 0 ? 'disagree' : 'agree',
          castOn: on(-300 + Math.min(20, i * 2)),
        })),
      },
      `${u.unit}实施主体（纸质表决票录入）`,
    );
    await projects.recordAgreement(actor, project.id, {
      signedOn: on(-250),
      constructionBudgetFen: 60_000_000,
      subsidyFen: 15_000_000,
      constructionScheme: { kind: 'floor_coefficient', preset: 'guangzhou' },
      runningScheme: { kind: 'floor_coefficient', preset: 'guangzhou' },
      operatingModel: 'owner_run',
      tariff: { kind: 'flat', priceCentifen: 6000 },
    });
    for (const [phase, days] of [
      ['agreement_published', -240],
      ['joint_review', -200],
      ['construction', -150],
      ['acceptance', 0],
      ['in_operation', 0],
    ] as const) {
      await projects.advance(actor, project.id, { phase, on: on(days) });
    }
    if (u.commissionedOn.slice(0, 7) <= lastMonth) await statements.issue(actor, project.id, lastMonth);
  }

  const demoUsers: Array<{ username: string; displayName: string; role: Role } & Record<string, string>> = [
    { username: 'demo.admin', displayName: '平台管理员', role: 'admin' },
    { username: 'firm.gz', displayName: '安达维保 调度', role: 'firm', organisationId: firmGz.id },
    { username: 'firm.hz', displayName: '西子梯联 调度', role: 'firm', organisationId: firmHz.id },
    {
      username: 'tech.gz',
      displayName: '王建国（安达维保）',
      role: 'technician',
      organisationId: firmGz.id,
      certificateNumber: 'TS3-440100-2019-0231',
      phone: '13800020001',
    },
    {
      username: 'tech.gz2',
      displayName: '李志强（安达维保）',
      role: 'technician',
      organisationId: firmGz.id,
      certificateNumber: 'TS3-440100-2020-0418',
      phone: '13800020002',
    },
    {
      username: 'tech.hz',
      displayName: '陈立（西子梯联）',
      role: 'technician',
      organisationId: firmHz.id,
      certificateNumber: 'TS3-330100-2018-0577',
      phone: '13800030001',
    },
    {
      username: 'owner.hj12',
      displayName: '华景12栋1单元 702业主',
      role: 'owner',
      ownerId: firstOwnerOf.get('hj12-1') ?? '',
    },
    {
      username: 'agent.hj12',
      displayName: '华景物业（12栋2单元受托人）',
      role: 'agent',
      unitId: unitId.get('hj12-2') ?? '',
    },
    { username: 'insurer.antai', displayName: '安泰保险 理赔', role: 'insurer', organisationId: picc.id },
    { username: 'insurer.yongping', displayName: '永平保险 理赔', role: 'insurer', organisationId: ping.id },
    { username: 'regulator.gz', displayName: '广州市市场监管局', role: 'regulator', regionCode: '440100' },
    { username: 'regulator.hz', displayName: '杭州市市场监管局', role: 'regulator', regionCode: '330100' },
    { username: 'regulator.gd', displayName: '广东省市场监管局', role: 'regulator', regionCode: '440000' },
  ];
  for (const u of demoUsers) await users.create(actor, { ...u, password: DEMO_PASSWORD, locale: 'zh-CN' });
  // who hears of an entrapment nobody acknowledges: each firm's on-call technicians in turn, its
  // manager, then the district's duty line (SMS_PROVIDER decides whether texts really leave)
  for (const [org, people, manager] of [
    [
      firmGz.id,
      [
        ['王建国', '13800020001'],
        ['李志强', '13800020002'],
      ],
      ['安达维保 经理 赵敏', '13800020099'],
    ],
    [firmHz.id, [['陈立', '13800030001']], ['西子梯联 经理 周航', '13800030099']],
  ] as const) {
    for (const [i, [name, phone]] of people.entries())
      await ds.query(
        `INSERT INTO escalation_contacts (organisation_id, level, position, name, phone) VALUES ($1, 'on_call', $2, $3, $4)`,
        [org, i + 1, name, phone],
      );
    await ds.query(
      `INSERT INTO escalation_contacts (organisation_id, level, position, name, phone) VALUES ($1, 'manager', 1, $2, $3)`,
      [org, manager[0], manager[1]],
    );
  }
  for (const [region, name, phone] of [
    ['440100', '广州市电梯应急处置服务平台', '02096333'],
    ['330100', '杭州市电梯应急处置服务平台', '057196333'],
  ])
    await ds.query(
      `INSERT INTO escalation_contacts (region_code, level, position, name, phone) VALUES ($1, 'duty_line', 1, $2, $3)`,
      [region, name, phone],
    );

  await ds.query(`INSERT INTO platform_settings (key, value) VALUES ('demo_fleet', now()::text)`);
  log.info(
    `demo fleet loaded: ${UNITS.length} elevators in ${BUILDINGS.length} buildings; users ${demoUsers
      .map((u) => u.username)
      .join(', ')} — password "${DEMO_PASSWORD}"`,
  );
}
