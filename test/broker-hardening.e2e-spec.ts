import { connect } from 'mqtt';
import { type PlatformProcess, startPlatformProcess } from './support/platform-process';
import { waitFor } from './support/wait';

/** What a hostile or outdated client can do to the embedded broker, on the platform as it runs. */
describe('embedded broker against hostile and MQTT 5 clients', () => {
  let p: PlatformProcess;

  beforeAll(async () => {
    p = await startPlatformProcess();
  }, 120_000);

  afterAll(() => p?.stop());

  const refused = (options: Parameters<typeof connect>[1]): Promise<Error> =>
    new Promise((resolve) => {
      const client = connect(p.mqttUrl, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
      client.on('error', (e) => {
        client.end(true);
        resolve(e);
      });
      client.on('connect', () => {
        client.end(true);
        resolve(new Error('connected'));
      });
    });

  it('should log refused logins briefly, once per address, however the client id varies, and throttle the serial', async () => {
    const before = p.output().length;
    for (let i = 0; i < 20; i++) {
      const err = await refused({
        clientId: `${i}-${'x'.repeat(65_000)}`,
        username: 'nobody',
        password: 'wrong',
      });
      expect(err.message).toMatch(/Bad username or password/);
    }
    await waitFor(() => p.output().length > before, 5000, 'a log line');
    const lines = p
      .output()
      .slice(before)
      .split('\n')
      .filter((l) => l.includes('auth_failed'));
    expect(lines).toHaveLength(1);
    expect(lines[0].length).toBeLessThan(1000);
    expect(lines[0]).toContain('(65002 chars)');
    const metrics = await (await fetch(`${p.baseUrl}/metrics`)).text();
    // the serial's first 10 failures were checked; the rest refused unchecked (throttled)
    expect(metrics).toMatch(/liftwatch_ingest_rejected_total\{reason="auth_failed"\} 10/);
    expect(metrics).toMatch(/liftwatch_ingest_rejected_total\{reason="auth_throttled"\} 10/);
  });

  it('should refuse an MQTT 5 client with "unacceptable protocol version", as docs/protocol.md says', async () => {
    const err = await refused({
      clientId: 'v5-device',
      username: 'v5-device',
      password: 'x',
      protocolVersion: 5,
    });
    expect(err.message).toMatch(/protocol version|Unsupported/i);
    expect(p.exited()).toBeNull();
  });
});
