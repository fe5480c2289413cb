export const ROLES = ['admin', 'firm', 'owner', 'agent', 'insurer', 'regulator'] as const;
export type Role = (typeof ROLES)[number];

/** The authenticated caller of a request, with what binds its role to the registry. */
export interface Principal {
  userId: string;
  username: string;
  role: Role;
  /** Maintenance firm (role firm) or insurer (role insurer). */
  organisationId: string | null;
  /** Owner record (role owner). */
  ownerId: string | null;
  /** Building unit the agent acts for (role agent). */
  unitId: string | null;
  /** GB/T 2260 region code (role regulator); covers everything under it. */
  regionCode: string | null;
  requestId?: string;
}

/** The actor recorded for work done by the platform itself (seeding, scheduled jobs). */
export const SYSTEM_PRINCIPAL: Principal = {
  userId: '00000000-0000-0000-0000-000000000000',
  username: 'system',
  role: 'admin',
  organisationId: null,
  ownerId: null,
  unitId: null,
  regionCode: null,
};
