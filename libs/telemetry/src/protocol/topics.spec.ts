import { deviceTopic, parseDeviceTopic } from './topics';

describe(parseDeviceTopic.name, () => {
  it.each([
    ['lw/v1/LW-GZ-0001/status', { serial: 'LW-GZ-0001', channel: 'status' }],
    ['lw/v1/abc/cmd', { serial: 'abc', channel: 'cmd' }],
    ['lw/v1/LW-GZ-0001/status/extra', null],
    ['lw/v2/LW-GZ-0001/status', null],
    ['lw/v1/ab/status', null],
    ['lw/v1/has space/status', null],
    ['lw/v1/+/status', null],
    ['lw/v1/x#y/status', null],
    ['lw/v1/abc/', null],
    ['', null],
  ])('%p should parse to %p', (topic, expected) => {
    expect(parseDeviceTopic(topic)).toEqual(expected);
  });

  it('should build the topics it parses', () => {
    expect(parseDeviceTopic(deviceTopic('LW-1', 'heartbeat'))).toEqual({
      serial: 'LW-1',
      channel: 'heartbeat',
    });
  });
});
