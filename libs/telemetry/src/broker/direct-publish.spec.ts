import fc from 'fast-check';
import * as mqtt from 'mqtt-packet';
import { type PublishTaker, takePublishes } from './direct-publish';

/** What a taken publication is compared on. */
interface Taken {
  topic: string;
  payload: string;
  qos: number;
  messageId: number;
}

const encode = (packet: mqtt.Packet): Buffer => mqtt.generate(packet, { protocolVersion: 4 });

const publish = (
  topic: string,
  payload: string | Buffer,
  qos: 0 | 1 | 2,
  extra: Partial<mqtt.IPublishPacket> = {},
) =>
  encode({
    cmd: 'publish',
    topic,
    payload,
    qos,
    dup: false,
    retain: false,
    ...(qos > 0 ? { messageId: 7 } : {}),
    ...extra,
  });

/** Runs takePublishes with a taker that takes everything (or what `accept` allows). */
function scan(
  buf: Buffer,
  accept: (topic: string) => boolean = () => true,
): { stop: number; taken: Taken[] } {
  const taken: Taken[] = [];
  const take: PublishTaker = (topic, payload, qos, messageId) => {
    if (!accept(topic)) return false;
    taken.push({ topic, payload: payload.toString('latin1'), qos, messageId });
    return true;
  };
  return { stop: takePublishes(buf, take), taken };
}

/** mqtt-packet's own reading of the same bytes, for comparison. */
function reference(buf: Buffer): mqtt.Packet[] {
  const parser = mqtt.parser({ protocolVersion: 4 });
  const packets: mqtt.Packet[] = [];
  parser.on('packet', (p) => packets.push(p));
  parser.on('error', () => undefined);
  parser.parse(buf);
  return packets;
}

describe(takePublishes.name, () => {
  it('should take QoS 0 and QoS 1 publications in order, with topic, payload and packet id', () => {
    const buf = Buffer.concat([
      publish('lw/v1/A-1/status', '{"seq":1}', 1, { messageId: 1 }),
      publish('lw/v1/A-1/event', 'x', 0),
      publish('lw/v1/A-1/status', '{"seq":2}', 1, { messageId: 65535, dup: true }),
    ]);
    expect(scan(buf)).toEqual({
      stop: buf.length,
      taken: [
        { topic: 'lw/v1/A-1/status', payload: '{"seq":1}', qos: 1, messageId: 1 },
        { topic: 'lw/v1/A-1/event', payload: 'x', qos: 0, messageId: 0 },
        { topic: 'lw/v1/A-1/status', payload: '{"seq":2}', qos: 1, messageId: 65535 },
      ],
    });
  });

  it('should read remaining lengths of two and three bytes, and an empty payload', () => {
    const big = Buffer.alloc(20_000, 0x61);
    const buf = Buffer.concat([
      publish('t/a', big, 1),
      publish('t/b', '', 0),
      publish('t/c', Buffer.alloc(200, 0x62), 1),
    ]);
    const { stop, taken } = scan(buf);
    expect(stop).toBe(buf.length);
    expect(taken.map((t) => [t.topic, t.payload.length])).toEqual([
      ['t/a', 20_000],
      ['t/b', 0],
      ['t/c', 200],
    ]);
  });

  it('should stop at the first packet it does not take, leaving it and the rest untouched', () => {
    const first = publish('lw/v1/A-1/status', 'a', 1);
    const cases: Array<[string, Buffer]> = [
      ['a PINGREQ', encode({ cmd: 'pingreq' })],
      ['a retained publication', publish('lw/v1/A-1/status', 'b', 1, { retain: true })],
      ['a QoS 2 publication', publish('lw/v1/A-1/status', 'b', 2)],
      ['a SUBSCRIBE', encode({ cmd: 'subscribe', messageId: 3, subscriptions: [{ topic: 'x', qos: 1 }] })],
      ['QoS 0 with DUP set', Buffer.from([0x38, 0x03, 0x00, 0x01, 0x74])],
      ['both QoS bits set', Buffer.from([0x36, 0x05, 0x00, 0x01, 0x74, 0x00, 0x01])],
      ['QoS 1 with packet id 0', Buffer.from([0x32, 0x05, 0x00, 0x01, 0x74, 0x00, 0x00])],
      ['an empty topic', Buffer.from([0x30, 0x03, 0x00, 0x00, 0x61])],
      ['a topic longer than the packet', Buffer.from([0x30, 0x03, 0x00, 0x09, 0x61])],
      ['a QoS 1 packet too short for its id', Buffer.from([0x32, 0x04, 0x00, 0x01, 0x74, 0x00])],
      ['a remaining length below 2', Buffer.from([0x30, 0x01, 0x00])],
      ['five remaining-length bytes', Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00])],
    ];
    for (const [what, other] of cases) {
      const after = publish('lw/v1/A-1/status', 'c', 1);
      const buf = Buffer.concat([first, other, after]);
      const { stop, taken } = scan(buf);
      expect({ what, stop, n: taken.length }).toEqual({ what, stop: first.length, n: 1 });
    }
  });

  it('should stop at an incomplete packet: in its header, its length, or its body', () => {
    const whole = Buffer.concat([
      publish('lw/v1/A-1/status', 'a', 1),
      publish('lw/v1/A-1/status', 'x'.repeat(300), 1),
    ]);
    const firstLength = publish('lw/v1/A-1/status', 'a', 1).length;
    for (let cut = firstLength; cut < whole.length; cut++) {
      const { stop, taken } = scan(whole.subarray(0, cut));
      expect({ cut, stop, n: taken.length }).toEqual({ cut, stop: firstLength, n: 1 });
    }
  });

  it('should stop where the taker declines, and take nothing past it', () => {
    const buf = Buffer.concat([publish('mine', 'a', 1), publish('theirs', 'b', 1), publish('mine', 'c', 1)]);
    const { stop, taken } = scan(buf, (topic) => topic === 'mine');
    expect(taken.map((t) => t.payload)).toEqual(['a']);
    expect(stop).toBe(publish('mine', 'a', 1).length);
  });

  it('should start at the given offset', () => {
    const a = publish('t', 'a', 0);
    const buf = Buffer.concat([a, publish('t', 'b', 0)]);
    const taken: string[] = [];
    expect(takePublishes(buf, (_t, p) => taken.push(p.toString()) > 0, a.length)).toBe(buf.length);
    expect(taken).toEqual(['b']);
  });

  it('should agree with mqtt-packet on any run of packets cut anywhere: what it takes plus what is left is what mqtt-packet reads', () => {
    const packetArb = fc.oneof(
      fc.record({
        cmd: fc.constant('publish' as const),
        topic: fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
        payload: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
        qos: fc.constantFrom(0, 1, 2),
        retain: fc.boolean(),
        dup: fc.boolean(),
        messageId: fc.integer({ min: 1, max: 65535 }),
      }),
      fc.constant({ cmd: 'pingreq' as const }),
      fc.record({
        cmd: fc.constant('puback' as const),
        messageId: fc.integer({ min: 1, max: 65535 }),
      }),
    );
    fc.assert(
      fc.property(fc.array(packetArb, { maxLength: 8 }), fc.nat(), (packets, cutAt) => {
        const bytes = Buffer.concat(
          packets.map((p) => encode(p.cmd === 'publish' ? { ...p, dup: p.qos === 0 ? false : p.dup } : p)),
        );
        const buf = bytes.subarray(0, bytes.length === 0 ? 0 : cutAt % (bytes.length + 1));
        const { stop, taken } = scan(buf);
        const expected = reference(buf);
        const rest = reference(buf.subarray(stop));
        // Everything taken is what mqtt-packet reads first, in the same order…
        expect(taken).toEqual(
          expected.slice(0, taken.length).map((p) => {
            const pub = p as mqtt.IPublishPacket;
            return {
              topic: pub.topic,
              payload: Buffer.from(pub.payload).toString('latin1'),
              qos: pub.qos,
              messageId: pub.qos === 1 ? pub.messageId : 0,
            };
          }),
        );
        // …and mqtt-packet reads the rest from where the scan stopped, nothing lost or repeated.
        expect(rest.length).toBe(expected.length - taken.length);
        // The scan stops only at a packet it must not take, or at an incomplete one.
        const next = expected[taken.length] as mqtt.IPublishPacket | undefined;
        if (next) expect(next.cmd !== 'publish' || next.qos === 2 || next.retain).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
