import { Inject, Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { Sql } from '@liftwatch/database';
import { ACCESS_OPTIONS, type AccessOptions } from '../access.options';
import { admit, type Admission, type ThrottlePolicy, type ThrottleState } from './attempt-throttle';

export type ThrottleScope = 'account' | 'address';

/** The two keys one login attempt counts against. */
export interface LoginKeys {
  account: string;
  address: string;
}

/** A refused attempt: which key refused it, why, and for how long. */
export interface ThrottleRefusal {
  scope: ThrottleScope;
  reason: 'locked' | 'slow_down';
  retryAfterS: number;
  lockedUntil: Date | null;
}

/** A lock in force, for the administrator's list. */
export interface LoginLock {
  scope: ThrottleScope;
  key: string;
  lockedUntil: Date;
  failures: number;
  userId: string | null;
  displayName: string | null;
}

interface Row {
  scope: ThrottleScope;
  key: string;
  attempts: Date[];
  locked_until: Date | null;
  lock_count: number;
  last_lock_at: Date | null;
}

const toState = (r: Row | undefined): ThrottleState => ({
  attempts: r?.attempts ?? [],
  lockedUntil: r?.locked_until ?? null,
  lockCount: r?.lock_count ?? 0,
  lastLockAt: r?.last_lock_at ?? null,
});

/** The same spelling of a username however it was typed (a lock on "Admin" is a lock on "admin"). */
export const accountKey = (username: string): string => username.trim().toLowerCase().slice(0, 256);

/**
 * Failed-login state per account and per client address in `login_throttle`, shared by the API
 * replicas. `admit` counts the attempt against both keys in one transaction (rows locked in a fixed
 * order), so parallel guesses see each other; `succeeded` clears the account.
 */
@Injectable()
export class LoginThrottle {
  readonly policies: Record<ThrottleScope, ThrottlePolicy>;

  constructor(
    private readonly sql: Sql,
    @Inject(ACCESS_OPTIONS) options: AccessOptions,
  ) {
    const l = options.login;
    const lockS = l.lockMinutes * 60;
    this.policies = {
      account: {
        windowS: 15 * 60,
        freeFailures: l.freeFailures,
        maxDelayS: 30,
        lockAfter: l.lockAfter,
        lockS,
        maxLockS: 24 * 3600,
      },
      address: {
        windowS: 15 * 60,
        freeFailures: l.addressFreeFailures,
        maxDelayS: 10,
        lockAfter: l.addressLockAfter,
        lockS,
        maxLockS: 4 * 3600,
      },
    };
  }

  /** Whether an attempt would be refused now, without counting it (no password check queued for it). */
  async peek(keys: LoginKeys, now: Date): Promise<ThrottleRefusal | null> {
    const rows = await this.sql.query<Row>(
      `SELECT scope, key, attempts, locked_until, lock_count, last_lock_at FROM login_throttle
        WHERE (scope = 'account' AND key = :account) OR (scope = 'address' AND key = :address)`,
      { ...keys },
    );
    return this.decide(rows, keys, now).refusal;
  }

  /**
   * Counts the attempt against both keys, or refuses it without counting. Returns the locks this
   * attempt set (it reached a limit): they stand if the password turns out wrong.
   */
  async admit(
    keys: LoginKeys,
    now: Date,
  ): Promise<
    { refusal: ThrottleRefusal } | { at: Date; locked: Array<{ scope: ThrottleScope; until: Date }> }
  > {
    return this.sql.transaction(async (tx) => {
      await this.sql.query(
        `INSERT INTO login_throttle (scope, key) VALUES ('account', :account), ('address', :address)
         ON CONFLICT DO NOTHING`,
        { ...keys },
        tx,
      );
      const rows = await this.sql.query<Row>(
        `SELECT scope, key, attempts, locked_until, lock_count, last_lock_at FROM login_throttle
          WHERE (scope = 'account' AND key = :account) OR (scope = 'address' AND key = :address)
          ORDER BY scope FOR UPDATE`,
        { ...keys },
        tx,
      );
      const { refusal, admissions } = this.decide(rows, keys, now);
      if (refusal) return { refusal };
      const locked: Array<{ scope: ThrottleScope; until: Date }> = [];
      for (const [scope, a] of admissions) {
        if (!a.ok) continue;
        await this.write(tx, scope, scope === 'account' ? keys.account : keys.address, a.state);
        if (a.lockedUntil) locked.push({ scope, until: a.lockedUntil });
      }
      return { at: now, locked };
    });
  }

  /**
   * A right password: the account starts afresh. The address only loses this attempt (and the lock
   * it set, if it was the one reaching the limit): one good account must not launder guesses at
   * others from the same address.
   */
  async succeeded(keys: LoginKeys, at: Date, addressLockedUntil: Date | null): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await this.sql.query(
        `DELETE FROM login_throttle WHERE scope = 'account' AND key = :account`,
        { ...keys },
        tx,
      );
      await this.sql.query(
        `UPDATE login_throttle
            SET attempts = array_remove(attempts, CAST(:at AS timestamptz)),
                locked_until = CASE WHEN locked_until = :until THEN NULL ELSE locked_until END,
                lock_count = CASE WHEN locked_until = :until THEN greatest(lock_count - 1, 0) ELSE lock_count END
          WHERE scope = 'address' AND key = :address`,
        { address: keys.address, at: at.toISOString(), until: addressLockedUntil },
        tx,
      );
    });
  }

  /**
   * Lifts a lock and forgets the attempts (the administrator's unlock: the person was told to try
   * again); returns whether a lock was in force.
   */
  async unlock(scope: ThrottleScope, key: string, now: Date): Promise<boolean> {
    const rows = await this.sql.query<{ locked_until: Date | null }>(
      `WITH d AS (DELETE FROM login_throttle WHERE scope = :scope AND key = :key RETURNING locked_until)
       SELECT locked_until FROM d`,
      { scope, key },
    );
    return rows.some((r) => r.locked_until !== null && r.locked_until > now);
  }

  /** The locks in force now, the longest first, with the account they hold when it exists. */
  async locks(now: Date, limit = 200): Promise<LoginLock[]> {
    const rows = await this.sql.query<Row & { user_id: string | null; display_name: string | null }>(
      `SELECT l.scope, l.key, l.attempts, l.locked_until, l.lock_count, l.last_lock_at,
              u.id AS user_id, u.display_name
         FROM login_throttle l
         LEFT JOIN users u ON l.scope = 'account' AND u.username = l.key
        WHERE l.locked_until > :now ORDER BY l.locked_until DESC, l.scope, l.key LIMIT :limit`,
      { now, limit },
    );
    return rows.map((r) => ({
      scope: r.scope,
      key: r.key,
      lockedUntil: r.locked_until as Date,
      failures: r.attempts.length,
      userId: r.user_id,
      displayName: r.display_name,
    }));
  }

  /** Forgets keys idle for a day that hold no lock (guesses at names that do not exist pile up). */
  async prune(now: Date): Promise<void> {
    await this.sql.query(
      `DELETE FROM login_throttle
        WHERE updated_at < CAST(:now AS timestamptz) - interval '1 day'
          AND (locked_until IS NULL OR locked_until < :now)`,
      { now },
    );
  }

  private decide(
    rows: Row[],
    keys: LoginKeys,
    now: Date,
  ): { refusal: ThrottleRefusal | null; admissions: Array<[ThrottleScope, Admission]> } {
    const row = (scope: ThrottleScope) =>
      rows.find((r) => r.scope === scope && r.key === (scope === 'account' ? keys.account : keys.address));
    const admissions: Array<[ThrottleScope, Admission]> = (['account', 'address'] as const).map((scope) => [
      scope,
      admit(toState(row(scope)), this.policies[scope], now),
    ]);
    let refusal: ThrottleRefusal | null = null;
    for (const [scope, a] of admissions) {
      if (a.ok) continue;
      // a lock outranks a request to slow down; the longer wait outranks the shorter
      const better =
        !refusal ||
        (a.reason === 'locked' && refusal.reason !== 'locked') ||
        (a.reason === refusal.reason && a.retryAfterS > refusal.retryAfterS);
      if (better)
        refusal = { scope, reason: a.reason, retryAfterS: a.retryAfterS, lockedUntil: a.lockedUntil };
    }
    return { refusal, admissions };
  }

  private async write(tx: EntityManager, scope: ThrottleScope, key: string, s: ThrottleState): Promise<void> {
    await this.sql.query(
      `UPDATE login_throttle
          SET attempts = CAST(:attempts AS timestamptz[]), locked_until = :lockedUntil, lock_count = :lockCount,
              last_lock_at = :lastLockAt, updated_at = now()
        WHERE scope = :scope AND key = :key`,
      {
        scope,
        key,
        attempts: s.attempts.map((a) => a.toISOString()),
        lockedUntil: s.lockedUntil,
        lockCount: s.lockCount,
        lastLockAt: s.lastLockAt,
      },
      tx,
    );
  }
}
