import { type Duplex } from 'node:stream';
import { type Client } from 'aedes';

/**
 * A device's telemetry read straight off its connection, past aedes' general packet path.
 *
 * Almost everything a device sends is a QoS 1 PUBLISH of a sample. aedes takes each through
 * mqtt-packet's parser (a buffer list, a packet object, an event), its handler chain, the
 * authorisation hook, a wrapped copy of the packet for its emitter and a series of callbacks;
 * skipping them saves 8–20 % of the platform's CPU per message (docs/benchmarks.md).
 * For a connection that has connected as a device (MQTT 3.1 / 3.1.1: no properties), the reads
 * aedes hands its parser go first through `takePublishes`, which takes the complete
 * non-retained QoS 0/1 PUBLISH packets at the start of the read that the broker wants to handle
 * itself; the first byte it does not take, and everything after it, goes to aedes' parser as
 * before. A packet of another kind, a retained or QoS 2 one, a malformed or incomplete one, or a
 * topic the broker leaves to aedes (another device's, an online flag, anything while a platform
 * client watches telemetry) therefore meets exactly the parsing, checks and errors it met before.
 */

/** Takes one publication; returns false to leave it (and everything after it) to aedes. */
export type PublishTaker = (topic: string, payload: Buffer, qos: 0 | 1, messageId: number) => boolean;

/**
 * Takes the complete QoS 0/1 non-retained PUBLISH packets of `buf` from `offset` on, in order,
 * until one is incomplete, of another form, or declined by `take`. Returns the offset of the first
 * byte not taken (`buf.length` when all were taken).
 */
export function takePublishes(buf: Buffer, take: PublishTaker, offset = 0): number {
  let at = offset;
  while (at < buf.length) {
    const first = buf[at];
    if (first >> 4 !== 3) return at; // not a PUBLISH
    const qosBits = (first >> 1) & 3;
    if (qosBits > 1 || (first & 1) !== 0 || (qosBits === 0 && (first & 8) !== 0)) return at; // QoS 2 or 3, retained, DUP on QoS 0
    const qos = qosBits === 1 ? 1 : 0;
    // Remaining length: one to four bytes, seven bits each, least significant first.
    let length = 0;
    let factor = 1;
    let i = at + 1;
    for (;;) {
      if (i >= buf.length) return at; // header incomplete
      const b = buf[i++];
      length += (b & 0x7f) * factor;
      if ((b & 0x80) === 0) break;
      factor *= 128;
      if (factor > 128 ** 3) return at; // a fifth length byte: malformed
    }
    const end = i + length;
    if (end > buf.length) return at; // packet incomplete
    if (length < 2) return at;
    const topicLength = (buf[i] << 8) | buf[i + 1];
    const topicEnd = i + 2 + topicLength;
    const payloadStart = qos === 1 ? topicEnd + 2 : topicEnd;
    if (topicLength === 0 || payloadStart > end) return at;
    const messageId = qos === 1 ? (buf[topicEnd] << 8) | buf[topicEnd + 1] : 0;
    if (qos === 1 && messageId === 0) return at; // MQTT-2.3.1-1: a QoS 1 packet identifier is non-zero
    if (!take(buf.toString('utf8', i + 2, topicEnd), buf.subarray(payloadStart, end), qos, messageId))
      return at;
    at = end;
  }
  return at;
}

/** The parts of an aedes 1.2 client (lib/client.js) its read loop and keep-alive use. */
interface AedesClientInternals {
  _parser: MqttPacketParser;
  _parsingBatch: number;
  _paused: boolean;
  /** called by aedes' handlers as `client._nextBatch`, so replacing it reroutes them */
  _nextBatch: (err?: Error | null) => void;
  _keepaliveInterval: number;
  _keepaliveTimer: { refresh(): void } | null;
  conn: Duplex;
  emit(event: 'error', err: Error): boolean;
}

/** mqtt-packet 9's parser: between two packets its state counter is 0 and its buffer list empty. */
interface MqttPacketParser {
  parse(buf: Buffer): number;
  _list: { length: number };
  _stateCounter: number;
  error: Error | null;
}

/**
 * Handles a publication taken off the wire: like aedes' `authorizePublish`, it calls `done` once
 * the message is taken in, which lets aedes' read loop read on.
 */
export type DirectPublishHandler = (
  topic: string,
  payload: Buffer,
  qos: 0 | 1,
  messageId: number,
  done: (err?: Error | null) => void,
) => boolean;

/**
 * Puts `takePublishes` in front of a connected client's parser. Each publication taken counts in
 * aedes' read loop like a packet its parser emits (`_parsingBatch`), so the next read still waits
 * until every packet of this one is taken in, and refreshes the keep-alive timer as aedes'
 * handlers do.
 */
export function readPublishesDirectly(client: Client, handle: DirectPublishHandler): void {
  const c = client as unknown as AedesClientInternals;
  const parser = c._parser;
  const general = parser.parse.bind(parser);
  const done = (err?: Error | null): void => c._nextBatch(err);
  const take: PublishTaker = (topic, payload, qos, messageId) => {
    c._parsingBatch++;
    if (handle(topic, payload, qos, messageId, done)) return true;
    c._parsingBatch--;
    return false;
  };
  readFlowing(c);
  parser.parse = (buf: Buffer): number => {
    // Bytes of an earlier packet are waiting in the parser: it must see this read first.
    if (parser._list.length > 0 || parser._stateCounter !== 0 || parser.error) return general(buf);
    // Held while this read is taken apart, so a handler finishing at once cannot start the next
    // read in the middle of this one; released (and the next read started) at the end.
    c._parsingBatch++;
    const stop = takePublishes(buf, take);
    if (stop > 0 && c._keepaliveInterval > 0) c._keepaliveTimer?.refresh();
    const left = stop < buf.length ? general(stop === 0 ? buf : buf.subarray(stop)) : 0;
    c._nextBatch();
    return left;
  };
}

/**
 * aedes' read loop, in flowing mode. aedes reads a connection in paused mode: every chunk the
 * socket receives is buffered, announced on the next tick ('readable') and read back with
 * `read()` — ~4 % of the platform's CPU samples with 10 000 devices, where each message is a chunk
 * of its own; in flowing mode the platform used 2–3 % less CPU there (docs/benchmarks.md).
 * Here chunks come as 'data' events and go straight to the parser. The rule stays aedes': no
 * chunk is parsed until every packet of the previous one has been handled (`_parsingBatch` back
 * to 0), and none while the client is paused — the stream is paused meanwhile, so the socket's
 * buffer and, once it is full, TCP hold the device back as before.
 *
 * Callbacks aedes handed out earlier hold its own `nextBatch`, which reads with `read()`: the
 * switch waits until none is outstanding (the count at 0 in a call of the new `_nextBatch`).
 */
function readFlowing(c: AedesClientInternals): void {
  const conn = c.conn;
  const parser = c._parser;
  const paused = (): boolean => c._paused || c._parsingBatch > 0;
  const onData = (buf: Buffer): void => {
    if (paused()) {
      // A chunk of the buffer flushed before the pause took hold: back in front, read later.
      conn.pause();
      conn.unshift(buf);
      return;
    }
    parser.parse(buf);
    if (paused()) conn.pause();
  };
  let flowing = false;
  const original = c._nextBatch;
  c._nextBatch = (err?: Error | null): void => {
    if (err) {
      c.emit('error', err);
      return;
    }
    if (c._paused) {
      conn.pause();
      return;
    }
    c._parsingBatch--;
    if (c._parsingBatch > 0) return;
    c._parsingBatch = 0;
    if (flowing) {
      conn.resume();
      return;
    }
    // No callback of aedes' own loop is outstanding: from here on, 'data' events.
    flowing = true;
    conn.on('data', onData);
    conn.removeListener('readable', original);
    conn.resume();
  };
}
