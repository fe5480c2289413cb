export const ROLES = ['admin', 'firm', 'technician', 'owner', 'agent', 'insurer', 'regulator'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The maintenance firm's people: `firm` is its office (dispatchers, managers), `technician` a
 * certified technician who takes work orders on the phone. Both see the firm's elevators.
 */
export const FIRM_STAFF: readonly Role[] = ['firm', 'technician'];

export function isFirmStaff(role: Role): boolean {
  return FIRM_STAFF.includes(role);
}

/** The authenticated caller of a request, with what binds its role to the registry. */
export interface Principal {
  userId: string;
  username: string;
  role: Role;
  /** Maintenance firm (roles firm and technician) or insurer (role insurer). */
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
