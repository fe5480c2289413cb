import { admit, EMPTY_THROTTLE, type ThrottlePolicy, type ThrottleState } from '@liftwatch/access';

export type DeviceThrottleScope = 'serial' | 'address';

/** Failed CONNECTs per client address: a gateway or carrier NAT may carry many controllers. */
export const DEVICE_ADDRESS_POLICY: ThrottlePolicy = {
  windowS: 300,
  freeFailures: 20,
  maxDelayS: 30,
  lockAfter: 60,
  lockS: 600,
  maxLockS: 4 * 3600,
};

/** Failed CONNECTs per serial (someone guessing one controller's secret, or a stale secret). */
export const DEVICE_SERIAL_POLICY: ThrottlePolicy = {
  windowS: 300,
  freeFailures: 10,
  maxDelayS: 30,
  lockAfter: 30,
  lockS: 600,
  maxLockS: 4 * 3600,
};

/** Keys remembered at most; beyond, the oldest are forgotten (a flood of made-up serials). */
const MAX_KEYS = 50_000;

export interface DeviceThrottleRefusal {
  scope: DeviceThrottleScope;
  reason: 'locked' | 'slow_down';
  retryAfterS: number;
}

/**
 * Failed device logins per serial and per client address, in this process (the embedded broker,
 * or the replica answering an external broker's hooks), with the same rule as human sign-ins
 * (attempt-throttle). While a key must slow down or is locked, connections for it are refused
 * without a database lookup — except a controller already known here presenting its right secret:
 * a stranger who knows a car's serial must never be able to keep its entrapment alarms out.
 */
export class DeviceAuthThrottle {
  private readonly state = new Map<string, ThrottleState>();

  constructor(
    private readonly policies: Record<DeviceThrottleScope, ThrottlePolicy> = {
      serial: DEVICE_SERIAL_POLICY,
      address: DEVICE_ADDRESS_POLICY,
    },
  ) {}

  /** Whether a connection for `serial` from `address` must be refused unchecked now. */
  refusal(serial: string, address: string | undefined, now: Date): DeviceThrottleRefusal | null {
    for (const [scope, key] of this.keys(serial, address)) {
      const a = admit(this.state.get(`${scope}:${key}`) ?? EMPTY_THROTTLE, this.policies[scope], now);
      if (!a.ok) return { scope, reason: a.reason, retryAfterS: a.retryAfterS };
    }
    return null;
  }

  /** Counts a failed CONNECT; returns the locks it set. */
  failed(
    serial: string,
    address: string | undefined,
    now: Date,
  ): Array<{ scope: DeviceThrottleScope; key: string; until: Date }> {
    const locks: Array<{ scope: DeviceThrottleScope; key: string; until: Date }> = [];
    for (const [scope, key] of this.keys(serial, address)) {
      const id = `${scope}:${key}`;
      const a = admit(this.state.get(id) ?? EMPTY_THROTTLE, this.policies[scope], now);
      if (!a.ok) continue;
      this.remember(id, a.state);
      if (a.lockedUntil) locks.push({ scope, key, until: a.lockedUntil });
    }
    return locks;
  }

  /** A controller got in: its serial starts afresh (its address keeps the count of others). */
  succeeded(serial: string): void {
    this.state.delete(`serial:${serial}`);
  }

  get size(): number {
    return this.state.size;
  }

  private keys(serial: string, address: string | undefined): Array<[DeviceThrottleScope, string]> {
    const keys: Array<[DeviceThrottleScope, string]> = [['serial', serial.slice(0, 256)]];
    if (address) keys.push(['address', address.slice(0, 64)]);
    return keys;
  }

  private remember(id: string, s: ThrottleState): void {
    this.state.delete(id); // re-insert: a Map iterates oldest first
    this.state.set(id, s);
    if (this.state.size > MAX_KEYS) {
      const oldest = this.state.keys().next().value;
      if (oldest !== undefined) this.state.delete(oldest);
    }
  }
}
