export const ACCESS_OPTIONS = Symbol('ACCESS_OPTIONS');

import { type ScryptParams } from './auth/password.util';

export interface AccessOptions {
  jwtSecret: string;
  jwtTtlSeconds: number;
  /** Cost of new password hashes. */
  passwordHash: ScryptParams;
  /** Throttling of failed logins (LOGIN_*), and how many password checks may run and wait. */
  login: {
    freeFailures: number;
    lockAfter: number;
    lockMinutes: number;
    addressFreeFailures: number;
    addressLockAfter: number;
    hashConcurrency: number;
    hashQueue: number;
  };
}
