export const ACCESS_OPTIONS = Symbol('ACCESS_OPTIONS');

export interface AccessOptions {
  jwtSecret: string;
  jwtTtlSeconds: number;
}
