import type { Role } from '../api/session';

/**
 * Which roles may open each screen: the menu shows these and the router sends anyone else home.
 * The API scopes every answer anyway; this keeps users away from screens that would only say no.
 */
export const SCREEN_ROLES = {
  '/t': ['technician'],
  '/home': ['owner'],
  '/project': ['admin', 'agent', 'owner'],
  '/alarms': ['admin', 'firm', 'regulator'],
  '/fleet': ['admin', 'firm', 'technician', 'regulator', 'owner', 'agent', 'insurer'],
  '/maintenance': ['admin', 'firm'],
  '/statements': ['admin', 'owner', 'agent'],
  '/claims': ['admin', 'insurer'],
  '/oversight': ['admin', 'regulator'],
  '/admin': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Screen = keyof typeof SCREEN_ROLES;

export function mayOpen(role: Role, screen: Screen): boolean {
  return (SCREEN_ROLES[screen] as readonly Role[]).includes(role);
}

/** Where each role starts its day: the dispatcher on the alarm panel, the regulator on its desk. */
export function homeOf(role: Role): Screen {
  switch (role) {
    case 'regulator':
      return '/oversight';
    case 'firm':
      return '/alarms';
    case 'technician':
      return '/t';
    case 'owner':
      return '/home';
    case 'agent':
      return '/project';
    case 'insurer':
      return '/claims';
    default:
      return '/fleet';
  }
}
