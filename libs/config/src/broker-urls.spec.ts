import { mqttTargets, redactBrokerUrls, splitBrokerUrls } from './broker-urls';

describe('broker URL lists', () => {
  it('should split and trim a comma-separated list, dropping empty entries', () => {
    expect(splitBrokerUrls(' mqtt://a:1 ,, mqtt://b:2,')).toEqual(['mqtt://a:1', 'mqtt://b:2']);
  });

  it('should give one URL as it is and several as mqtt.js servers with default ports', () => {
    expect(mqttTargets('mqtt://u:p@h:1884')).toEqual({ url: 'mqtt://u:p@h:1884' });
    expect(mqttTargets('mqtt://u:p@a:1884,mqtt://b,mqtts://c')).toEqual({
      url: 'mqtt://u:p@a:1884',
      servers: [
        { host: 'a', port: 1884, protocol: 'mqtt' },
        { host: 'b', port: 1883, protocol: 'mqtt' },
        { host: 'c', port: 8883, protocol: 'mqtts' },
      ],
    });
    expect(() => mqttTargets(' , ')).toThrow('no broker URL');
  });

  it('should hide every password of a list', () => {
    expect(redactBrokerUrls('amqp://lw:secret@a:1,amqp://lw:secret@b:2,mqtt://c:3')).toBe(
      'amqp://lw:***@a:1,amqp://lw:***@b:2,mqtt://c:3',
    );
  });
});
