/**
 * Benchmark load: runs in its own process (so it competes for the 2 cores like real traffic
 * would, but not for the platform's event loop). Drives SimulatedControllers:
 *   max:   every device keeps WINDOW QoS 1 messages in flight, as fast as acknowledgements come;
 *   paced: every device publishes RATE status samples per second (with `moving`, each sample puts
 *          the car on another floor, so every sample is a change the dashboard must show).
 * Reports over IPC: per-device number of status samples sent (seq 1..sent) and totals.
 */
import { readFileSync } from 'node:fs';
import { type DeviceCredentials, SimulatedController } from '../../device-sim/src';

interface Args {
  url: string;
  credentials: string;
  mode: 'max' | 'paced';
  seconds: number;
  window: number;
  rate: number;
  qos: 0 | 1;
  moving?: boolean;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const devices = JSON.parse(readFileSync(args.credentials, 'utf8')) as DeviceCredentials[];

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
  // Connect in waves so 10 000 devices do not all hit the broker in one tick.
  for (let i = 0; i < controllers.length; i += 250) {
    await Promise.all(controllers.slice(i, i + 250).map((c) => c.start()));
  }
  process.send?.({ type: 'connected', devices: controllers.length });
  const started = Date.now();
  const deadline = started + args.seconds * 1000;
  let running = true;
  if (args.mode === 'max') {
    controllers.forEach((c, i) => {
      const pump = (): void => {
        while (running && c.inFlight < args.window) {
          c.sampleStatus();
          sent[i] = (sent[i] ?? 0) + 1;
        }
      };
      c.on('ack', pump);
      pump();
    });
  } else {
    const period = 1000 / args.rate;
    controllers.forEach((c, i) => {
      let n = 0;
      const tick = (): void => {
        if (!running) return;
        if (args.moving) {
          n++;
          const floor = (n % (devices[i]?.floors ?? 7)) + 1;
          const message = {
            seq: c.nextSeq(),
            ts: Date.now(),
            running: n % 2 === 1,
            dir: n % 2 === 1 ? 1 : 0,
            floor,
            doorZone: n % 2 === 0,
            doorClosed: true,
            passenger: true,
            mode: 1,
            speed: n % 2 === 1 ? 1 : 0,
            load: 150,
          };
          void c.publishRaw(c.topic('status'), JSON.stringify(message), args.qos).catch(() => undefined);
        } else c.sampleStatus();
        sent[i] = (sent[i] ?? 0) + 1;
      };
      setTimeout(() => {
        tick();
        const h = setInterval(tick, period);
        setTimeout(() => clearInterval(h), Math.max(0, deadline - Date.now()));
      }, Math.random() * period);
    });
  }
  await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())));
  running = false;
  // Wait until everything sent is acknowledged (or buffered messages replayed), at most 120 s.
  const drainDeadline = Date.now() + 120_000;
  while (Date.now() < drainDeadline && controllers.some((c) => c.inFlight > 0 || !c.connected)) {
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
    }),
    { published: 0, acked: 0, errors: 0, replayed: 0, connects: 0, stillInFlight: 0 },
  );
  await Promise.all(controllers.map((c) => c.stop()));
  const result = {
    seconds: (Date.now() - started) / 1000,
    sent: Object.fromEntries(devices.map((d, i) => [d.serial, sent[i]])),
    totals,
  };
  // Over IPC, and exit only once it is sent: a large stdout write could be cut short by exit().
  process.send?.({ type: 'result', result }, () => process.exit(0));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
