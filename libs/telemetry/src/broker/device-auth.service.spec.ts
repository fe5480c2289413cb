import { hashDeviceSecret } from '@liftwatch/access';
import { loadConfig } from '@liftwatch/config';
import { type DeviceDirectory, type DeviceEntry } from '../ingest/device-directory';
import { DeviceAuthService } from './device-auth.service';

const entry: DeviceEntry = {
  deviceId: 'd1',
  serial: 'LW-0001',
  elevatorId: 'e1',
  secretHash: hashDeviceSecret('s3cret'),
};
const directory = {
  lookup: (serial: string) => Promise.resolve(serial === entry.serial ? entry : undefined),
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
});
