import { hashDeviceSecret } from '@liftwatch/access';
import { loadConfig } from '@liftwatch/config';
import { type DeviceDirectory, type DeviceEntry } from '../ingest/device-directory';
import { DeviceAuthThrottle } from './device-auth-throttle';
import { DeviceAuthService } from './device-auth.service';

const entry: DeviceEntry = {
  deviceId: 'd1',
  serial: 'LW-0001',
  elevatorId: 'e1',
  secretHash: hashDeviceSecret('s3cret'),
};
let lookups = 0;
const directory = {
  lookup: (serial: string) => {
    lookups += 1;
    return Promise.resolve(serial === entry.serial ? entry : undefined);
  },
  peek: (serial: string) => (serial === entry.serial ? entry : undefined),
} as unknown as DeviceDirectory;
const config = loadConfig({ MQTT_USERNAME: 'liftwatch-ingest', MQTT_PASSWORD: 'ingest-password' });
const sut = new DeviceAuthService(config, directory);
const device = { kind: 'device', serial: 'LW-0001' } as const;

describe(DeviceAuthService.name, () => {
  it.each([
    ['LW-0001', 'LW-0001', 's3cret', true],
    ['LW-0001', 'LW-0001', 'wrong', false],
    ['other-id', 'LW-0001', 's3cret', false],
    ['LW-9999', 'LW-9999', 's3cret', false],
    ['LW-0001', undefined, 's3cret', false],
    ['x', 'liftwatch-ingest', 'ingest-password', true],
    ['x', 'liftwatch-ingest', 'nope', false],
  ])('client %s user %s password %s should be allowed: %s', async (clientId, username, password, ok) => {
    expect((await sut.authenticate(clientId, username, password)).ok).toBe(ok);
  });

  it.each([
    ['lw/v1/LW-0001/status', true],
    ['lw/v1/LW-0001/batch', true],
    ['lw/v1/LW-0001/online', true],
    ['lw/v1/LW-0001/cmd', false],
    ['lw/v1/LW-0002/status', false],
    ['lw/v1/LW-0001/firmware', true], // ingest counts it as unknown_channel
    ['lw/v1/LW-0001/status/extra', false],
    ['lw/v1/LW-0001', false],
    ['$SYS/broker/load', false],
  ])('a device publishing to %s should be allowed: %s', (topic, ok) => {
    expect(sut.mayPublish(device, topic)).toBe(ok);
  });

  it.each([
    ['lw/v1/LW-0001/cmd', true],
    ['lw/v1/LW-0002/cmd', false],
    ['lw/v1/+/cmd', false],
    ['lw/v1/#', false],
    ['#', false],
  ])('a device subscribing to %s should be allowed: %s', (filter, ok) => {
    expect(sut.maySubscribe(device, filter)).toBe(ok);
  });

  it('should let the platform account consume all device topics and send commands only', () => {
    const platform = { kind: 'platform' } as const;
    expect(sut.maySubscribe(platform, '$share/ingest/lw/v1/+/+')).toBe(true);
    expect(sut.mayPublish(platform, 'lw/v1/LW-0001/cmd')).toBe(true);
    expect(sut.mayPublish(platform, 'lw/v1/LW-0001/status')).toBe(false);
  });

  it('should refuse a throttled serial or address unchecked, yet let its controller in with the right secret', async () => {
    const svc = new DeviceAuthService(config, directory);
    const small = { windowS: 300, freeFailures: 2, maxDelayS: 30, lockAfter: 4, lockS: 600, maxLockS: 3600 };
    svc.throttle = new DeviceAuthThrottle({ serial: small, address: small });
    for (let i = 0; i < 2; i += 1)
      expect(await svc.authenticate('LW-0001', 'LW-0001', 'guess', '10.1.1.1')).toMatchObject({ ok: false });
    const throttled = await svc.authenticate('LW-0001', 'LW-0001', 'guess', '10.1.1.1');
    expect(throttled).toMatchObject({ ok: false, throttled: true });
    expect((await svc.authenticate('LW-0001', 'LW-0001', 's3cret', '10.1.1.1')).ok).toBe(true);
    // from the same throttled address, an unknown serial is refused without a lookup
    await svc.authenticate('LW-7', 'LW-7', 'x', '10.2.2.2');
    await svc.authenticate('LW-8', 'LW-8', 'x', '10.2.2.2');
    const before = lookups;
    expect(await svc.authenticate('LW-9', 'LW-9', 'x', '10.2.2.2')).toMatchObject({
      ok: false,
      throttled: true,
    });
    expect(lookups).toBe(before);
    // the platform's own account is never shut out by someone guessing its password
    for (let i = 0; i < 3; i += 1) await svc.authenticate('x', 'liftwatch-ingest', 'nope', '10.3.3.3');
    expect((await svc.authenticate('x', 'liftwatch-ingest', 'ingest-password', '10.3.3.3')).ok).toBe(true);
  });
});
