/**
 * Device protocol v1 topics. Every device publishes under its own prefix `lw/v1/{serial}/` and
 * receives commands on `lw/v1/{serial}/cmd`. See docs/protocol.md.
 */
export const TOPIC_ROOT = 'lw/v1';

/** Channels a device publishes on. */
export const DEVICE_CHANNELS = ['status', 'event', 'meter', 'heartbeat', 'batch', 'online'] as const;
export type DeviceChannel = (typeof DEVICE_CHANNELS)[number];

/** The one channel a device subscribes to. */
export const COMMAND_CHANNEL = 'cmd';

/** Topic filter the ingest consumes (all channels of all devices). */
export const INGEST_TOPIC_FILTER = `${TOPIC_ROOT}/+/+`;

export interface DeviceTopic {
  serial: string;
  channel: string;
}

const PREFIX = `${TOPIC_ROOT}/`;

/** Splits `lw/v1/{serial}/{channel}`; null for anything else. (Hot path: no split, no regex on hits.) */
export function parseDeviceTopic(topic: string): DeviceTopic | null {
  if (!topic.startsWith(PREFIX)) return null;
  const slash = topic.indexOf('/', PREFIX.length);
  if (slash < 0 || topic.indexOf('/', slash + 1) >= 0) return null;
  const serial = topic.slice(PREFIX.length, slash);
  const channel = topic.slice(slash + 1);
  if (channel.length === 0 || serial.length < 3 || serial.length > 64) return null;
  for (let i = 0; i < serial.length; i++) {
    const c = serial.charCodeAt(i);
    // A-Z a-z 0-9 _ -
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45))
      return null;
  }
  return { serial, channel };
}

export function isDeviceChannel(channel: string): channel is DeviceChannel {
  return (DEVICE_CHANNELS as readonly string[]).includes(channel);
}

export function deviceTopic(serial: string, channel: DeviceChannel | typeof COMMAND_CHANNEL): string {
  return `${TOPIC_ROOT}/${serial}/${channel}`;
}
