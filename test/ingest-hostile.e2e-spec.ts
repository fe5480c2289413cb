import fc from 'fast-check';
import { connect, type MqttClient } from 'mqtt';
import { type QueryRunner } from 'typeorm';
import { type DeviceCredentials } from '../device-sim/src';
import { IngestService } from '@liftwatch/telemetry';
import { provisionSimDevices } from './support/sim';
import { startTestApp, type TestApp } from './support/test-app';
import { metricValue } from './support/wait';

/**
 * The promise of the product: a message that was acknowledged is stored, exactly once, whatever
 * other devices send at the same moment. Hostile payloads (arbitrary JSON, NULs, lone surrogates,
 * deep nesting, wrong types) from one device are interleaved with valid messages from it and from
 * another device, through the real broker, ingest and PostgreSQL.
 */
describe('ingest under hostile input (embedded broker, real PostgreSQL)', () => {
  let t: TestApp;
  let mqttUrl: string;
  let devices: DeviceCredentials[];
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    t = await startTestApp({ INGEST_FLUSH_MS: '30' });
    const ports = await t.startBroker();
    mqttUrl = `mqtt://127.0.0.1:${ports.tcpPort}`;
    devices = await provisionSimDevices(t, await t.listen(), 3);
  });

  afterAll(async () => {
    for (const c of clients) await c.endAsync(true).catch(() => undefined);
    await t.close();
  });

  async function deviceClient(d: DeviceCredentials): Promise<MqttClient> {
    const c = connect(mqttUrl, {
      clientId: d.serial,
      username: d.serial,
      password: d.secret,
      reconnectPeriod: 200,
      protocolVersion: 4,
    });
    clients.push(c);
    await new Promise<void>((resolve, reject) => {
      c.once('connect', () => resolve());
      c.once('error', reject);
    });
    return c;
  }

  async function storedSeqs(table: string, elevatorId: string, from: number, to: number): Promise<number[]> {
    const rows = await t.db.query<Array<{ seq: string }>>(
      `SELECT seq FROM ${table} WHERE elevator_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq`,
      [elevatorId, from, to],
    );
    return rows.map((r) => Number(r.seq));
  }

  const metrics = async (): Promise<string> => (await t.http().get('/metrics')).text;

  /** Strings a controller's firmware could get wrong, including what PostgreSQL cannot store. */
  const hostileString = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.constantFrom(
      '\u0000',
      'a\u0000b',
      '\ud800',
      '\udfff',
      'x\udbffy',
      '\ud83d',
      "'; DROP TABLE x; --",
      '',
    ),
  );
  const hostileDetail = fc.dictionary(hostileString, fc.oneof(hostileString, fc.jsonValue({ maxDepth: 3 })), {
    maxKeys: 4,
  });
  const deep = (n: number): string => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

  /** A hostile message: a channel and raw bytes. */
  const hostile = (now: number): fc.Arbitrary<{ channel: string; payload: Buffer }> => {
    const ts = fc.integer({ min: now - 3_600_000, max: now });
    const seq = fc.integer({ min: 0, max: 2 ** 40 });
    const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));
    return fc.oneof(
      fc.record({
        channel: fc.constantFrom('status', 'event', 'meter', 'batch', 'heartbeat', 'online', 'nonsense'),
        payload: fc.jsonValue({ maxDepth: 4 }).map(json),
      }),
      fc.record({
        channel: fc.constant('meter'),
        payload: fc
          .record({ seq, ts, kwh: fc.double({ min: 0, max: 1e6, noNaN: true }), meterId: hostileString })
          .map(json),
      }),
      fc.record({
        channel: fc.constant('event'),
        payload: fc
          .record({
            seq,
            ts,
            code: fc.constantFrom('11', '90', 'X_1'),
            state: fc.constantFrom('set', 'pulse'),
            detail: hostileDetail,
          })
          .map(json),
      }),
      fc.record({
        channel: fc.constant('batch'),
        payload: fc
          .array(
            fc.oneof(
              fc.record({ ch: fc.constant('meter'), seq, ts, kwh: fc.constant(1), meterId: hostileString }),
              fc.record({
                ch: fc.constant('event'),
                seq,
                ts,
                code: fc.constant('90'),
                state: fc.constant('pulse'),
                detail: hostileDetail,
              }),
              fc.jsonValue({ maxDepth: 2 }),
            ),
            { minLength: 1, maxLength: 5 },
          )
          .map((items) => json({ items })),
      }),
      fc.record({
        channel: fc.constantFrom('event', 'status', 'batch'),
        payload: fc.integer({ min: 20, max: 3000 }).map((n) => Buffer.from(deep(n))),
      }),
      fc.record({
        channel: fc.constantFrom('status', 'event'),
        payload: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
      }),
    );
  };

  it('should store every valid message exactly once, whatever is interleaved with it', async () => {
    const [attacker, bystander] = devices;
    const a = await deviceClient(attacker);
    const b = await deviceClient(bystander);
    let nextSeq = 1_000_000;
    let tried = 0;
    let validSent = 0;
    let validStored = 0;
    const before = await metrics();

    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(hostile(Date.now()), fc.boolean()), { minLength: 5, maxLength: 25 }),
        async (script) => {
          const first = nextSeq;
          const now = Date.now();
          const sends: Array<Promise<unknown>> = [];
          const validA: number[] = [];
          const validB: number[] = [];
          for (const [bad, alsoValidFromAttacker] of script) {
            sends.push(
              a
                .publishAsync(`lw/v1/${attacker.serial}/${bad.channel}`, bad.payload, { qos: 1 })
                .catch(() => undefined),
            );
            const seqB = nextSeq++;
            validB.push(seqB);
            sends.push(
              b.publishAsync(
                `lw/v1/${bystander.serial}/status`,
                JSON.stringify({
                  seq: seqB,
                  ts: now - (nextSeq - first),
                  running: false,
                  dir: 0,
                  mode: 1,
                  floor: 1,
                }),
                { qos: 1 },
              ),
            );
            if (alsoValidFromAttacker) {
              const seqA = nextSeq++;
              validA.push(seqA);
              sends.push(
                a.publishAsync(
                  `lw/v1/${attacker.serial}/meter`,
                  JSON.stringify({ seq: seqA, ts: now - (nextSeq - first), kwh: 10, meterId: 'M1' }),
                  { qos: 1 },
                ),
              );
            }
          }
          tried += sends.length;
          // QoS 1: the PUBACK comes only after commit, so once every publish is acknowledged its
          // rows must be there.
          await Promise.all(sends);
          const last = nextSeq - 1;
          const storedB = await storedSeqs('telemetry_status', bystander.elevatorId, first, last);
          const storedA = await storedSeqs('meter_readings', attacker.elevatorId, first, last);
          validSent += validA.length + validB.length;
          validStored += storedA.length + storedB.length;
          expect(storedB).toEqual(validB);
          expect(storedA).toEqual(validA);
        },
      ),
      // LIFTWATCH_FUZZ_RUNS raises the count for a longer run (docs/reliability.md).
      { numRuns: Number(process.env.LIFTWATCH_FUZZ_RUNS ?? 30), interruptAfterTimeLimit: 600_000 },
    );
    if (process.env.RELIABILITY_REPORT) {
      process.stdout.write(
        `ingest fuzz: ${tried} messages published (${tried - validSent} hostile), ${validSent} valid, ` +
          `${validStored} stored, ${validSent - validStored} lost\n`,
      );
    }
    await t.app.get(IngestService).drain();
    const after = await metrics();
    // Hostile text is refused at decode with its own reason; nothing reached the database to be refused.
    expect(metricValue(after, 'liftwatch_ingest_rejected_total', { reason: 'bad_text' })).toBeGreaterThan(
      metricValue(before, 'liftwatch_ingest_rejected_total', { reason: 'bad_text' }),
    );
    expect(metricValue(after, 'liftwatch_ingest_rejected_total', { reason: 'db_refused' })).toBe(
      metricValue(before, 'liftwatch_ingest_rejected_total', { reason: 'db_refused' }),
    );
    expect(tried).toBeGreaterThan(100);
  });

  it('should store the rest of a batch when the database refuses one message of it, and count that one', async () => {
    const d = devices[2];
    const c = await deviceClient(d);
    const poison = 777_013;
    // A rule that the database refuses for one message's content (division by zero, SQLSTATE
    // 22012) — as a NUL would have been refused before decode learnt to refuse it.
    const ingest = t.app.get(IngestService);
    ingest.addBatchHook(async (q: QueryRunner, batch) => {
      if (batch.status.some((s) => s.seq === poison && s.elevatorId === d.elevatorId))
        await q.query('SELECT 1/0');
    });
    const before = metricValue(await metrics(), 'liftwatch_ingest_rejected_total', { reason: 'db_refused' });
    const now = Date.now();
    const seqs = Array.from({ length: 40 }, (_, i) => 777_000 + i);
    await Promise.all(
      seqs.map((seq) =>
        c.publishAsync(
          `lw/v1/${d.serial}/status`,
          JSON.stringify({ seq, ts: now - 1000 + (seq - 777_000), running: false, dir: 0, mode: 1 }),
          { qos: 1 },
        ),
      ),
    );
    expect(await storedSeqs('telemetry_status', d.elevatorId, 777_000, 777_039)).toEqual(
      seqs.filter((s) => s !== poison),
    );
    expect(metricValue(await metrics(), 'liftwatch_ingest_rejected_total', { reason: 'db_refused' })).toBe(
      before + 1,
    );
  });
});
