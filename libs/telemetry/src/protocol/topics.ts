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

const SERIAL = /^[A-Za-z0-9_-]{3,64}$/;

/** Splits `lw/v1/{serial}/{channel}`; null for anything else. */
export function parseDeviceTopic(topic: string): DeviceTopic | null {
  const parts = topic.split('/');
  if (parts.length !== 4 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT) return null;
  const [, , serial, channel] = parts as [string, string, string, string];
  if (!SERIAL.test(serial) || channel.length === 0) return null;
  return { serial, channel };
}

export function isDeviceChannel(channel: string): channel is DeviceChannel {
  return (DEVICE_CHANNELS as readonly string[]).includes(channel);
}

export function deviceTopic(serial: string, channel: DeviceChannel | typeof COMMAND_CHANNEL): string {
  return `${TOPIC_ROOT}/${serial}/${channel}`;
}
