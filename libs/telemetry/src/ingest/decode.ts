import { hasBadText } from '@liftwatch/contract';
import { type DeviceChannel, isDeviceChannel } from '../protocol/topics';
import { type EventMessage, type MeterMessage, type StatusMessage, validators } from '../protocol/messages';

/** Why a message (or a batch item) was not stored. Each is a label of the rejection counter. */
export const REJECT_REASONS = [
  'oversize',
  'bad_json',
  'bad_text',
  'schema',
  'unknown_channel',
  'unknown_device',
  'future_timestamp',
  'too_old',
  'acl_denied',
  'auth_failed',
  'auth_throttled',
  'db_refused',
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
  const text = payload.toString('utf8');
  try {
    body = JSON.parse(text);
  } catch {
    return reject('bad_json', 'payload is not JSON');
  }
  // A NUL or an unpaired surrogate can only arrive as a \u escape (raw ones are not valid JSON
  // or UTF-8), so the walk runs only for payloads that contain one. PostgreSQL refuses both in
  // text and jsonb, and must never see them.
  // (In a batch, each item is checked on its own so one bad item costs only itself.)
  const checkText = text.includes('\\u');
  if (checkText && channel !== 'batch') {
    const bad = findBadText(body, MAX_JSON_DEPTH);
    if (bad) return reject('bad_text', bad);
  }
  const out: Decoded = { ok: true, channel, status: [], events: [], meters: [], itemRejections: {} };
  switch (channel) {
    case 'status':
    case 'event':
    case 'meter': {
      const refused = addRecord(out, channel, body, device, now, limits, false);
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
        const refused = addRecord(out, item.ch, item, device, now, limits, checkText);
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
  checkText: boolean,
): Rejected | null {
  if (checkText) {
    const bad = findBadText(body, MAX_JSON_DEPTH - 1);
    if (bad) return reject('bad_text', bad);
  }
  const validate = validators[ch];
  if (ch === 'event' && !checkText) {
    // `detail` is the protocol's one free-form object: bound its depth even without escapes.
    const detail = (body as { detail?: unknown } | null)?.detail;
    const bad =
      detail && typeof detail === 'object' ? findBadText(detail, MAX_JSON_DEPTH - 2, '/detail') : null;
    if (bad) return reject('bad_text', bad);
  }
  if (!validate(body)) return reject('schema', ajvMessage(validate.errors));
  const late = checkTime((body as { ts: number }).ts, now, limits);
  if (late) return late;
  if (ch === 'status') out.status.push(statusRow(body as StatusMessage, device, now));
  else if (ch === 'event') out.events.push(eventRow(body as EventMessage, device, now));
  else out.meters.push(meterRow(body as MeterMessage, device, now));
  return null;
}

/** Nesting deeper than this is refused; no protocol message needs more than a few levels. */
const MAX_JSON_DEPTH = 16;
/** Names the first string (key or value) that PostgreSQL could not store, or excessive nesting. */
function findBadText(value: unknown, depthLeft: number, path = ''): string | null {
  if (typeof value === 'string')
    return hasBadText(value) ? `${path || '/'} holds a NUL or a lone surrogate` : null;
  if (value === null || typeof value !== 'object') return null;
  if (depthLeft <= 0) return `${path || '/'} is nested too deeply`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = findBadText(value[i], depthLeft - 1, `${path}/${i}`);
      if (bad) return bad;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value)) {
    if (hasBadText(k)) return `${path}/ has a key with a NUL or a lone surrogate`;
    const bad = findBadText(v, depthLeft - 1, `${path}/${k.slice(0, 32)}`);
    if (bad) return bad;
  }
  return null;
}

function ajvMessage(
  errors: ReadonlyArray<{ instancePath: string; message?: string }> | null | undefined,
): string {
  const e = errors?.[0];
  return e ? `${e.instancePath || '/'} ${e.message ?? 'is invalid'}` : 'invalid';
}
