import { Readable } from 'node:stream';
import { type Aedes, type AedesPublishPacket } from 'aedes';

/**
 * Two costs of aedes 1.2 (with its memory persistence) that grow with the number of devices, and
 * what the embedded broker does about them. Both touch aedes internals (`mq`, `persistence`),
 * which is why aedes is pinned; `test/embedded-broker-tuning.e2e-spec.ts` checks the behaviour
 * they must keep.
 */

/** The part of aedes' message emitter (mqemitter) the broker's publish path calls. */
interface Emitter {
  emit(packet: AedesPublishPacket, done: () => void): void;
}

/**
 * Every publication goes through aedes' emitter, which matches its topic against every
 * subscription (a trie walk: 4–5 µs a message with 10 000 devices subscribed to their command
 * topics). Device telemetry reaches ingest in `authorizePublish`, before that, and in the embedded
 * broker only a platform-identity client may subscribe to it (a device may subscribe to its own
 * command topic alone). So while no platform-identity client is connected, a publication that
 * `skip` recognises is not matched at all. The in-process subscriptions the platform makes (online
 * flags) must not be on topics `skip` accepts.
 */
export function skipUnwatched(broker: Aedes, skip: (topic: string) => boolean, watchers: () => number): void {
  const mq = (broker as unknown as { mq: Emitter }).mq;
  const emit = mq.emit.bind(mq);
  mq.emit = (packet, done) => {
    if (watchers() === 0 && skip(packet.topic)) return done();
    emit(packet, done);
  };
}

/** The part of aedes' persistence the retained-message lookup uses. */
interface RetainedStore {
  storeRetained(packet: AedesPublishPacket): Promise<void>;
  createRetainedStreamCombi(patterns: string[]): Readable;
}

const hasWildcard = (filter: string): boolean => filter.includes('+') || filter.includes('#');

/**
 * On SUBSCRIBE, aedes' memory persistence finds the retained messages to send by testing every
 * retained topic against the filters. Every device keeps a retained online flag and subscribes to
 * its command topic when it connects, so 10 000 devices reconnecting at once made 10^8 tests
 * (50 000 per connection at the end). A filter without wildcards matches one topic: it is looked up
 * in an index of the retained messages by topic; wildcard filters keep aedes' scan.
 */
export function indexRetained(broker: Aedes): void {
  const persistence = (broker as unknown as { persistence: RetainedStore }).persistence;
  const byTopic = new Map<string, AedesPublishPacket>();
  const store = persistence.storeRetained.bind(persistence);
  persistence.storeRetained = (packet) => {
    // An empty retained payload deletes the topic's retained message (MQTT-3.3.1-10).
    if (packet.payload.length === 0) byTopic.delete(packet.topic);
    else byTopic.set(packet.topic, { ...packet });
    return store(packet);
  };
  const scan = persistence.createRetainedStreamCombi.bind(persistence);
  persistence.createRetainedStreamCombi = (patterns) => {
    if (patterns.some(hasWildcard)) return scan(patterns);
    const found: AedesPublishPacket[] = [];
    for (const topic of new Set(patterns)) {
      const packet = byTopic.get(topic);
      if (packet) found.push(packet);
    }
    return Readable.from(found);
  };
}
