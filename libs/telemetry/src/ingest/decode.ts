import { type DeviceChannel, isDeviceChannel } from '../protocol/topics';
import { type EventMessage, type MeterMessage, type StatusMessage, validators } from '../protocol/messages';

/** Why a message (or a batch item) was not stored. Each is a label of the rejection counter. */
export const REJECT_REASONS = [
  'oversize',
  'bad_json',
  'schema',
  'unknown_channel',
  'unknown_device',
  'future_timestamp',
  'too_old',
  'acl_denied',
  'auth_failed',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export interface DeviceRef {
  deviceId: string;
  elevatorId: string;
}

/** Row shapes as written to the database; times are epoch milliseconds. */
export interface StatusRow {
  elevatorId: string;
  deviceId: string;
  ts: number;
  seq: number;
  receivedAt: number;
  running: boolean;
  direction: number;
  floor: number | null;
  doorZone: boolean | null;
  doorClosed: boolean | null;
  passenger: boolean | null;
  mode: number;
  speedMps: number | null;
  loadKg: number | null;
}

export interface EventRow {
  elevatorId: string;
  deviceId: string;
  ts: number;
  seq: number;
  receivedAt: number;
  code: string;
  state: 'set' | 'clear' | 'pulse';
  detail: Record<string, unknown> | null;
}

export interface MeterRow {
  elevatorId: string;
  deviceId: string;
  ts: number;
  seq: number;
  receivedAt: number;
  meterId: string;
  kwh: number;
}

export interface Decoded {
  ok: true;
  channel: DeviceChannel;
  status: StatusRow[];
  events: EventRow[];
  meters: MeterRow[];
  /** Set by `online` messages (retained flag, Last Will). */
  online?: boolean;
  /** Batch items that were refused, by reason (the rest of the batch is kept). */
  itemRejections: Partial<Record<RejectReason, number>>;
}

export interface Rejected {
  ok: false;
  reason: RejectReason;
  detail: string;
}

export interface DecodeLimits {
  maxPayloadBytes: number;
  maxBatchPayloadBytes: number;
  /** how far ahead of the platform clock a device timestamp may be (clock skew) */
  futureToleranceMs: number;
  /** how old buffered data may be when it finally arrives */
  maxAgeMs: number;
}

function reject(reason: RejectReason, detail: string): Rejected {
  return { ok: false, reason, detail };
}

function checkTime(ts: number, now: number, limits: DecodeLimits): Rejected | null {
  if (ts > now + limits.futureToleranceMs)
    return reject('future_timestamp', `ts ${ts} is ahead of the platform clock`);
  if (ts < now - limits.maxAgeMs) return reject('too_old', `ts ${ts} is older than the accepted age`);
  return null;
}

function statusRow(m: StatusMessage, d: DeviceRef, receivedAt: number): StatusRow {
  return {
    elevatorId: d.elevatorId,
    deviceId: d.deviceId,
    ts: m.ts,
    seq: m.seq,
    receivedAt,
    running: m.running,
    direction: m.dir,
    floor: m.floor ?? null,
    doorZone: m.doorZone ?? null,
    doorClosed: m.doorClosed ?? null,
    passenger: m.passenger ?? null,
    mode: m.mode,
    speedMps: m.speed ?? null,
    loadKg: m.load ?? null,
  };
}

function eventRow(m: EventMessage, d: DeviceRef, receivedAt: number): EventRow {
  return {
    elevatorId: d.elevatorId,
    deviceId: d.deviceId,
    ts: m.ts,
    seq: m.seq,
    receivedAt,
    code: m.code,
    state: m.state,
    detail: m.detail ?? null,
  };
}

function meterRow(m: MeterMessage, d: DeviceRef, receivedAt: number): MeterRow {
  return {
    elevatorId: d.elevatorId,
    deviceId: d.deviceId,
    ts: m.ts,
    seq: m.seq,
    receivedAt,
    meterId: m.meterId,
    kwh: m.kwh,
  };
}

/**
 * Turns one MQTT payload into rows, or says why it is refused. Pure: no I/O, `now` passed in.
 */
export function decodeDeviceMessage(
  channel: string,
  payload: Buffer,
  device: DeviceRef,
  now: number,
  limits: DecodeLimits,
): Decoded | Rejected {
  if (!isDeviceChannel(channel)) return reject('unknown_channel', `channel ${channel}`);
  const max = channel === 'batch' ? limits.maxBatchPayloadBytes : limits.maxPayloadBytes;
  if (payload.length > max) return reject('oversize', `${payload.length} bytes > ${max}`);
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    return reject('bad_json', 'payload is not JSON');
  }
  const out: Decoded = { ok: true, channel, status: [], events: [], meters: [], itemRejections: {} };
  switch (channel) {
    case 'status':
    case 'event':
    case 'meter': {
      const refused = addRecord(out, channel, body, device, now, limits);
      return refused ?? out;
    }
    case 'heartbeat': {
      if (!validators.heartbeat(body)) return reject('schema', ajvMessage(validators.heartbeat.errors));
      return checkTime(body.ts, now, limits) ?? out;
    }
    case 'online': {
      if (!validators.online(body)) return reject('schema', ajvMessage(validators.online.errors));
      out.online = body.online;
      return out;
    }
    case 'batch': {
      if (!validators.batch(body)) return reject('schema', ajvMessage(validators.batch.errors));
      for (const item of body.items) {
        const refused = addRecord(out, item.ch, item, device, now, limits);
        if (refused) out.itemRejections[refused.reason] = (out.itemRejections[refused.reason] ?? 0) + 1;
      }
      return out;
    }
  }
}

/** Validates one stored record (a message or a batch item) and adds its row; or says why not. */
function addRecord(
  out: Decoded,
  ch: 'status' | 'event' | 'meter',
  body: unknown,
  device: DeviceRef,
  now: number,
  limits: DecodeLimits,
): Rejected | null {
  const validate = validators[ch];
  if (!validate(body)) return reject('schema', ajvMessage(validate.errors));
  const late = checkTime((body as { ts: number }).ts, now, limits);
  if (late) return late;
  if (ch === 'status') out.status.push(statusRow(body as StatusMessage, device, now));
  else if (ch === 'event') out.events.push(eventRow(body as EventMessage, device, now));
  else out.meters.push(meterRow(body as MeterMessage, device, now));
  return null;
}

function ajvMessage(
  errors: ReadonlyArray<{ instancePath: string; message?: string }> | null | undefined,
): string {
  const e = errors?.[0];
  return e ? `${e.instancePath || '/'} ${e.message ?? 'is invalid'}` : 'invalid';
}
