import { io, type Socket } from 'socket.io-client';
import { type DeviceCredentials, SimulatedController } from '../device-sim/src';
import { IngestService } from '@liftwatch/telemetry';
import { contractElevators, createFleet, type Fleet } from './support/fleet.fixture';
import { idleStatusPayload, provisionSimDevices } from './support/sim';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

interface FleetItem {
  elevatorId: string;
  registrationCode: string;
  community: string;
  status: string;
  openAlarms: number;
  live: { floor: number | null; status: string } | null;
}

/** The fleet picture the dispatcher works from, and its live status updates. */
describe('fleet status', () => {
  let t: TestApp;
  let baseUrl: string;
  let mqttUrl: string;
  let devices: DeviceCredentials[];
  let fleet: Fleet;
  let firm: string;
  const open: Array<{ stop(): Promise<void> }> = [];

  beforeAll(async () => {
    t = await startTestApp({ ALARM_ENTRAPMENT_SECONDS: '2', ALARM_SWEEP_MS: '200' });
    mqttUrl = `mqtt://127.0.0.1:${(await t.startBroker()).tcpPort}`;
    baseUrl = await t.listen();
    devices = await provisionSimDevices(t, baseUrl, 3);
    fleet = await createFleet(t);
    await contractElevators(
      t,
      fleet.orgs.firmA,
      devices.map((d) => d.elevatorId),
    );
    firm = await t.login(fleet.users.firmA);
  });

  afterAll(async () => {
    for (const o of open) await o.stop().catch(() => undefined);
    await t.close();
  });

  type FleetPage = { items: FleetItem[]; total: number; counts: Record<string, number> };
  const list = async (query = ''): Promise<FleetPage> =>
    (await t.get(firm, `/fleet?limit=500${query}`).expect(200)).body as FleetPage;

  it('should list only the firm’s elevators, with their place and a status, and filter and count by status', async () => {
    const all = await list();
    const mine = all.items.filter((i) => devices.some((d) => d.elevatorId === i.elevatorId));
    expect(mine).toHaveLength(3);
    expect(mine.every((i) => i.status === 'offline')).toBe(true); // never reported yet
    expect(all.counts.offline).toBeGreaterThanOrEqual(3);
    // Firm B sees none of them.
    const other = (await t.get(await t.login(fleet.users.firmB), '/fleet?limit=500').expect(200)).body as {
      items: FleetItem[];
    };
    expect(other.items.filter((i) => devices.some((d) => d.elevatorId === i.elevatorId))).toHaveLength(0);
    // Search by code.
    const byCode = await list(`&q=${mine[0]?.registrationCode.slice(-8)}`);
    expect(byCode.items.map((i) => i.elevatorId)).toContain(mine[0]?.elevatorId);
  });

  it('should turn an elevator trapped, on REST and live, when an entrapment is confirmed', async () => {
    const d = devices[0];
    const socket: Socket = io(`${baseUrl}/live`, { auth: { token: firm }, transports: ['websocket'] });
    open.push({ stop: () => Promise.resolve(void socket.close()) });
    const ack = (await socket.timeout(5000).emitWithAck('join', { all: true })) as {
      ok: boolean;
      snapshot: Array<{ elevatorId: string; status: string }>;
    };
    expect(ack.ok).toBe(true);
    const statuses: string[] = [];
    socket.on('state', (s: { elevatorId: string; status: string }) => {
      if (s.elevatorId === d.elevatorId) statuses.push(s.status);
    });
    const c = new SimulatedController({
      url: mqttUrl,
      serial: d.serial,
      secret: d.secret,
      floors: d.floors,
      periodic: false,
      reportEvents: false,
    });
    open.push(c);
    await c.start();
    c.sampleStatus();
    await waitFor(() => statuses.includes('idle') || statuses.includes('running'), 5000, 'a live idle state');
    c.injectEntrapment(4);
    const sampler = setInterval(() => c.sampleStatus(), 300);
    open.push({ stop: () => Promise.resolve(clearInterval(sampler)) });
    // the car's own data (a passenger aboard, stopped between floors) says trapped at once …
    await waitFor(() => statuses.includes('trapped'), 8000, 'trapped on socket.io');
    // … and the entrapment alarm follows once the condition has held for the threshold
    const trapped = await waitFor(
      async () =>
        (await list('&status=trapped')).items.find(
          (i) => i.elevatorId === d.elevatorId && i.openAlarms === 1,
        ),
      8000,
      'the entrapment alarm on the trapped car',
    );
    expect(trapped).toMatchObject({ status: 'trapped', openAlarms: 1 });
    clearInterval(sampler);
    await t.app.get(IngestService).drain();
  });

  it('should deliver changes in `states` arrays to a socket that joins with batch, and only what it may see', async () => {
    const [d1, d2] = [devices[1], devices[2]];
    const batched: Socket = io(`${baseUrl}/live`, { auth: { token: firm }, transports: ['websocket'] });
    const single: Socket = io(`${baseUrl}/live`, { auth: { token: firm }, transports: ['websocket'] });
    const outsider: Socket = io(`${baseUrl}/live`, {
      auth: { token: await t.login(fleet.users.firmB) },
      transports: ['websocket'],
    });
    open.push({ stop: () => Promise.resolve(void [batched, single, outsider].forEach((x) => x.close())) });
    const got = {
      arrays: [] as Array<Array<{ elevatorId: string; floor: number | null }>>,
      singles: 0,
      outsider: 0,
    };
    batched.on('states', (list: Array<{ elevatorId: string; floor: number | null }>) =>
      got.arrays.push(list),
    );
    batched.on('state', () => got.singles++);
    outsider.on('states', () => got.outsider++);
    outsider.on('state', () => got.outsider++);
    const floorsSeenSingly: number[] = [];
    single.on('state', (x: { elevatorId: string; floor: number | null }) => {
      if (x.elevatorId === d1?.elevatorId && x.floor !== null) floorsSeenSingly.push(x.floor);
    });
    expect(
      ((await batched.timeout(5000).emitWithAck('join', { all: true, batch: true })) as { ok: boolean }).ok,
    ).toBe(true);
    expect(((await single.timeout(5000).emitWithAck('join', { all: true })) as { ok: boolean }).ok).toBe(
      true,
    );
    expect(
      ((await outsider.timeout(5000).emitWithAck('join', { all: true, batch: true })) as { ok: boolean }).ok,
    ).toBe(true);
    const bad = (await batched.timeout(5000).emitWithAck('join', { all: true, batch: 'yes' })) as {
      ok: boolean;
      error: { fields: Array<{ field: string }> };
    };
    expect(bad.ok).toBe(false);
    expect(bad.error.fields[0]?.field).toBe('batch');

    const cs = [d1, d2].map(
      (d) =>
        new SimulatedController({
          url: mqttUrl,
          serial: d?.serial ?? '',
          secret: d?.secret ?? '',
          floors: d?.floors ?? 7,
          periodic: false,
          reportEvents: false,
        }),
    );
    for (const c of cs) {
      open.push(c);
      await c.start();
    }
    const status = (c: SimulatedController, floor: number): Promise<void> =>
      c.publishRaw(c.topic('status'), idleStatusPayload(c.nextSeq(), floor));
    for (const floor of [2, 3, 4]) {
      await Promise.all(cs.map((c) => status(c, floor)));
      await t.app.get(IngestService).drain();
    }
    const flat = (): Array<{ elevatorId: string; floor: number | null }> => got.arrays.flat();
    await waitFor(
      () =>
        flat().some((x) => x.elevatorId === d1?.elevatorId && x.floor === 4) && floorsSeenSingly.includes(4),
      8000,
      'floor 4 in a states array and as a single state',
    );
    expect(flat().some((x) => x.elevatorId === d2?.elevatorId && x.floor === 4)).toBe(true);
    // Several changes travel together, and the batched socket gets no single events.
    expect(got.arrays.some((a) => a.length > 1)).toBe(true);
    expect(got.singles).toBe(0);
    // Firm B sees none of firm A's elevators.
    expect(got.outsider).toBe(0);
  });
});
