/**
 * Benchmark load: runs in its own process (so it competes for the 2 cores like real traffic
 * would, but not for the platform's event loop). Drives SimulatedControllers:
 *   max:   every device keeps WINDOW QoS 1 messages in flight, as fast as acknowledgements come;
 *   paced: every device publishes RATE status samples per second, on a common clock with a
 *          random phase per device, so the offered rate is exact (devices × RATE) whatever the
 *          timer granularity.
 * Payloads: `realistic` (the elevator model: most samples repeat the last state) or `busy` (door,
 * passenger and running flags change on every sample — a busy elevator or a noisy sensor).
 * Reports over IPC: per-device number of status samples sent (seq 1..sent), totals and the
 * generator's own CPU time over the run.
 */
import { readFileSync } from 'node:fs';
import { type DeviceCredentials, type ElevatorSnapshot, SimulatedController } from '../../device-sim/src';

interface Args {
  url: string;
  credentials: string;
  mode: 'max' | 'paced';
  seconds: number;
  window: number;
  rate: number;
  qos: 0 | 1;
  payload?: 'realistic' | 'busy';
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const devices = JSON.parse(readFileSync(args.credentials, 'utf8')) as DeviceCredentials[];

/** A sample whose flags differ from the previous one's, cycling through every combination. */
function busySample(n: number, floors: number): ElevatorSnapshot {
  const running = n % 2 === 1;
  return {
    running,
    dir: running ? 1 : 0,
    floor: (n % floors) + 1,
    doorZone: n % 3 !== 0,
    doorClosed: n % 4 !== 2,
    passenger: n % 5 < 3,
    mode: 1,
    speed: running ? 1 : 0,
    load: n % 5 < 3 ? 70 * ((n % 3) + 1) : 0,
  };
}

async function main(): Promise<void> {
  const controllers = devices.map(
    (d) =>
      new SimulatedController({
        url: args.url,
        serial: d.serial,
        secret: d.secret,
        floors: d.floors,
        qos: args.qos,
        // The benchmark drives status samples itself; no periodic traffic besides.
        periodic: false,
        bufferLimit: 10_000_000,
        mqtt: { reconnectPeriod: 500, connectTimeout: 30_000 },
      }),
  );
  const sent = new Array<number>(controllers.length).fill(0);
  const sample = (i: number): void => {
    const c = controllers[i];
    if (args.payload === 'busy') c.publishStatus(busySample(sent[i] ?? 0, devices[i]?.floors ?? 7));
    else c.sampleStatus();
    sent[i] = (sent[i] ?? 0) + 1;
  };
  // Connect in waves so 10 000 devices do not all hit the broker in one tick.
  const connectStarted = Date.now();
  for (let i = 0; i < controllers.length; i += 250) {
    await Promise.all(controllers.slice(i, i + 250).map((c) => c.start()));
  }
  const connectSeconds = (Date.now() - connectStarted) / 1000;
  process.send?.({ type: 'connected', devices: controllers.length });
  const cpuStart = process.cpuUsage();
  const started = Date.now();
  const deadline = started + args.seconds * 1000;
  let running = true;
  if (args.mode === 'max') {
    controllers.forEach((c, i) => {
      const pump = (): void => {
        while (running && c.inFlight < args.window) sample(i);
      };
      c.on('ack', pump);
      pump();
    });
  } else {
    // Device i is due its k-th sample at started + (k + phase_i) / rate seconds.
    const phase = controllers.map(() => Math.random());
    const tick = (): void => {
      const now = Math.min(Date.now(), deadline);
      const elapsed = ((now - started) / 1000) * args.rate;
      for (let i = 0; i < controllers.length; i++) {
        const due = Math.floor(elapsed + (phase[i] ?? 0));
        while ((sent[i] ?? 0) < due) sample(i);
      }
    };
    const h = setInterval(tick, 5);
    setTimeout(() => clearInterval(h), Math.max(0, deadline - Date.now()) + 1);
  }
  await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())));
  running = false;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  // Wait until everything sent is acknowledged (or buffered messages replayed), at most 120 s.
  const drainDeadline = Date.now() + 120_000;
  while (
    Date.now() < drainDeadline &&
    controllers.some((c) => c.inFlight > 0 || c.buffered > 0 || !c.connected)
  ) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const totals = controllers.reduce(
    (t, c) => ({
      published: t.published + c.stats.published,
      acked: t.acked + c.stats.acked,
      errors: t.errors + c.stats.publishErrors,
      replayed: t.replayed + c.stats.replayed,
      connects: t.connects + c.stats.connects,
      stillInFlight: t.stillInFlight + c.inFlight,
      bufferedWhileDisconnected: t.bufferedWhileDisconnected + c.stats.buffered,
      neverSent: t.neverSent + c.buffered,
    }),
    {
      published: 0,
      acked: 0,
      errors: 0,
      replayed: 0,
      connects: 0,
      stillInFlight: 0,
      bufferedWhileDisconnected: 0,
      neverSent: 0,
    },
  );
  await Promise.all(controllers.map((c) => c.stop()));
  const result = {
    seconds: (Date.now() - started) / 1000,
    connectSeconds,
    sent: Object.fromEntries(devices.map((d, i) => [d.serial, sent[i]])),
    totals,
    cpuSeconds,
  };
  // Over IPC, and exit only once it is sent: a large stdout write could be cut short by exit().
  process.send?.({ type: 'result', result }, () => process.exit(0));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
