import Ajv, { type JSONSchemaType } from 'ajv';

/**
 * Device protocol v1 payloads (JSON, UTF-8). Every message that is stored carries the device's
 * own clock `ts` (epoch milliseconds) and a per-device sequence number `seq`, so a message
 * delivered twice or replayed after a reconnect is recognised and stored once.
 * Unknown extra properties are ignored (forward compatibility with newer firmware).
 */

export interface StatusMessage {
  seq: number;
  ts: number;
  /** 0 stop / 1 run */
  running: boolean;
  /** 0 none, 1 up, 2 down */
  dir: 0 | 1 | 2;
  floor?: number;
  doorZone?: boolean;
  doorClosed?: boolean;
  passenger?: boolean;
  /** 0 out of service, 1 normal, 2 inspection, 3 fire return, 4 firefighter, 5 emergency power, 6 earthquake, 7 unknown */
  mode: number;
  /** car speed, m/s */
  speed?: number;
  /** car load, kg */
  load?: number;
}

export interface EventMessage {
  seq: number;
  ts: number;
  /** catalogue code, e.g. "11" entrapment, "41" mains power lost, "OVERSPEED" */
  code: string;
  /** set: condition began; clear: condition ended; pulse: momentary (e.g. alarm button) */
  state: 'set' | 'clear' | 'pulse';
  detail?: Record<string, unknown>;
}

export interface MeterMessage {
  seq: number;
  ts: number;
  /** cumulative energy register, kWh */
  kwh: number;
  /** identifies the physical meter, so a replacement is not mistaken for consumption */
  meterId: string;
}

export interface HeartbeatMessage {
  seq: number;
  ts: number;
  uptime?: number;
  rssi?: number;
  fw?: string;
}

export interface OnlineMessage {
  online: boolean;
  ts?: number;
}

export type BatchItem =
  ({ ch: 'status' } & StatusMessage) | ({ ch: 'event' } & EventMessage) | ({ ch: 'meter' } & MeterMessage);

export interface BatchMessage {
  items: BatchItem[];
}

const seqTs = {
  seq: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
  ts: { type: 'integer', minimum: 0, maximum: 8_640_000_000_000 },
} as const;

export const statusSchema: JSONSchemaType<StatusMessage> = {
  type: 'object',
  required: ['seq', 'ts', 'running', 'dir', 'mode'],
  properties: {
    ...seqTs,
    running: { type: 'boolean' },
    dir: { type: 'integer', enum: [0, 1, 2] },
    floor: { type: 'integer', minimum: -5, maximum: 200, nullable: true },
    doorZone: { type: 'boolean', nullable: true },
    doorClosed: { type: 'boolean', nullable: true },
    passenger: { type: 'boolean', nullable: true },
    mode: { type: 'integer', minimum: 0, maximum: 7 },
    speed: { type: 'number', minimum: 0, maximum: 20, nullable: true },
    load: { type: 'integer', minimum: 0, maximum: 32000, nullable: true },
  },
};

export const eventSchema: JSONSchemaType<EventMessage> = {
  type: 'object',
  required: ['seq', 'ts', 'code', 'state'],
  properties: {
    ...seqTs,
    code: { type: 'string', pattern: '^[A-Z0-9_]{1,32}$' },
    state: { type: 'string', enum: ['set', 'clear', 'pulse'] },
    detail: { type: 'object', nullable: true, required: [] },
  },
};

export const meterSchema: JSONSchemaType<MeterMessage> = {
  type: 'object',
  required: ['seq', 'ts', 'kwh', 'meterId'],
  properties: {
    ...seqTs,
    kwh: { type: 'number', minimum: 0, maximum: 1e11 },
    meterId: { type: 'string', minLength: 1, maxLength: 64 },
  },
};

export const heartbeatSchema: JSONSchemaType<HeartbeatMessage> = {
  type: 'object',
  required: ['seq', 'ts'],
  properties: {
    ...seqTs,
    uptime: { type: 'number', minimum: 0, nullable: true },
    rssi: { type: 'number', nullable: true },
    fw: { type: 'string', maxLength: 64, nullable: true },
  },
};

export const onlineSchema: JSONSchemaType<OnlineMessage> = {
  type: 'object',
  required: ['online'],
  properties: { online: { type: 'boolean' }, ts: { ...seqTs.ts, nullable: true } },
};

/** Items are validated one by one against their channel's schema, so one bad item costs only itself. */
export const batchEnvelopeSchema = {
  type: 'object',
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      minItems: 1,
      maxItems: 1000,
      items: {
        type: 'object',
        required: ['ch'],
        properties: { ch: { type: 'string', enum: ['status', 'event', 'meter'] } },
      },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: false, strict: false });

export const validators = {
  status: ajv.compile(statusSchema),
  event: ajv.compile(eventSchema),
  meter: ajv.compile(meterSchema),
  heartbeat: ajv.compile(heartbeatSchema),
  online: ajv.compile(onlineSchema),
  batch: ajv.compile<{ items: Array<{ ch: 'status' | 'event' | 'meter' }> }>(batchEnvelopeSchema),
};

/** Commands the platform sends to `lw/v1/{serial}/cmd`. */
export interface ConfigCommand {
  cmd: 'config';
  /** seconds between status samples while idle */
  statusIntervalS?: number;
  /** seconds between heartbeats */
  heartbeatIntervalS?: number;
}
