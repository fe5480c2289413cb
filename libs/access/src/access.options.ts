export const ACCESS_OPTIONS = Symbol('ACCESS_OPTIONS');

import { type ScryptParams } from './auth/password.util';

export interface AccessOptions {
  jwtSecret: string;
  jwtTtlSeconds: number;
  /** Cost of new password hashes. */
  passwordHash: ScryptParams;
}
