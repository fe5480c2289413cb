import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loginTo, PROCESS_ADMIN_PASSWORD, startPlatformProcess } from './support/platform-process';
import { waitFor } from './support/wait';

/**
 * Nothing a simulated controller does may stop the platform: a demo device whose secret was
 * rotated through the API is refused by the broker after a restart, and the platform carries on.
 */
describe('demo controllers that can no longer log in', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'liftwatch-demo-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('should keep the platform running when a demo device is refused after its secret was rotated', async () => {
    const first = await startPlatformProcess({ args: ['--demo'], dataDir });
    let serial: string;
    try {
      await waitFor(
        () => /demo: \d+ of \d+ simulated controllers connected/.test(first.output()),
        60_000,
        'demo',
      );
      const token = await loginTo(first.baseUrl, 'admin', PROCESS_ADMIN_PASSWORD);
      const list = (await (
        await fetch(`${first.baseUrl}/api/v1/devices?limit=1`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json()) as { items: Array<{ id: string; serial: string }> };
      const device = list.items[0];
      serial = device.serial;
      const rotated = await fetch(`${first.baseUrl}/api/v1/devices/${device.id}/rotate-secret`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(rotated.status).toBe(200);
    } finally {
      await first.stop();
    }

    const second = await startPlatformProcess({
      args: ['--demo'],
      dataDir,
      env: { ALARM_ENTRAPMENT_SECONDS: '2' },
    });
    try {
      const line = await waitFor(
        () => /demo: (\d+) of (\d+) simulated controllers connected/.exec(second.output()) ?? undefined,
        60_000,
        'the demo fleet to start',
      );
      if (Number(line[1]) !== Number(line[2]) - 1) process.stdout.write(second.output());
      expect(Number(line[1])).toBe(Number(line[2]) - 1);
      expect(second.output()).toContain(`simulated controller ${serial} could not connect`);
      // Well past the moment the refused controller gave up (it used to take the process down).
      await new Promise((r) => setTimeout(r, 5000));
      expect(second.exited()).toBeNull();
      expect((await fetch(`${second.baseUrl}/health`)).status).toBe(200);

      // The demo's own controllers can be made to trap passengers (skipping the refused one).
      const faults = (token: string | null, body: unknown): Promise<Response> =>
        fetch(`${second.baseUrl}/api/v1/demo/faults`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify(body),
        });
      expect((await faults(null, {})).status).toBe(401);
      expect((await faults(await loginTo(second.baseUrl, 'owner.hj12', 'liftwatch-demo'), {})).status).toBe(
        403,
      );
      const firm = await loginTo(second.baseUrl, 'firm.gz', 'liftwatch-demo');
      const bad = await faults(firm, { kind: 'fire', seconds: 2, colour: 'red' });
      expect(bad.status).toBe(400);
      expect(
        ((await bad.json()) as { fields: Array<{ field: string }> }).fields.map((f) => f.field).sort(),
      ).toEqual(['colour', 'kind', 'seconds']);
      const done = await faults(firm, { kind: 'entrapment', seconds: 30 });
      expect(done.status).toBe(202);
      const { elevatorId, serial: trapped } = (await done.json()) as { elevatorId: string; serial: string };
      expect(trapped).not.toBe(serial);
      const alarm = await waitFor(
        async () => {
          const res = await fetch(
            `${second.baseUrl}/api/v1/alarms?type=entrapment&elevatorId=${elevatorId}`,
            {
              headers: { authorization: `Bearer ${firm}` },
            },
          );
          const body = (await res.json()) as { items: Array<{ id: string; status: string }> };
          return body.items[0];
        },
        30_000,
        'an entrapment alarm from the demo controller',
      );
      expect(alarm.status).toBe('open');
    } finally {
      await second.stop();
    }
  }, 240_000);
});

describe('starting as root from a directory the postgres user cannot enter', () => {
  it('should stop with one sentence saying why and what to do, not a stack trace', async () => {
    if (process.getuid?.() !== 0) {
      process.stderr.write('skipped: only root runs the embedded PostgreSQL as another user\n');
      return;
    }
    const locked = mkdtempSync(join(tmpdir(), 'liftwatch-700-'));
    chmodSync(locked, 0o700);
    const dataDir = join(locked, 'data');
    try {
      const failure = await startPlatformProcess({ dataDir }).then(
        () => new Error('it started'),
        (e: Error) => e,
      );
      expect(failure.message).toMatch(
        /cannot start: the embedded PostgreSQL runs as the system user "postgres".*cannot reach .*liftwatch-700-.* is mode 700.*DATABASE_URL/,
      );
      expect(failure.message).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(locked, { recursive: true, force: true });
    }
  }, 60_000);
});
