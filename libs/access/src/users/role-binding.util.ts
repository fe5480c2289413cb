import { type FieldProblem } from '@liftwatch/contract';
import { type Role } from '../auth/principal';

export interface RoleBinding {
  organisationId?: string | null;
  ownerId?: string | null;
  unitId?: string | null;
  regionCode?: string | null;
}

type BindingField = keyof RoleBinding;

/** What each role must be bound to; every other binding field must be empty. */
export const REQUIRED_BINDING: Record<Role, BindingField | null> = {
  admin: null,
  firm: 'organisationId',
  technician: 'organisationId',
  insurer: 'organisationId',
  owner: 'ownerId',
  agent: 'unitId',
  regulator: 'regionCode',
};

const ALL_FIELDS: BindingField[] = ['organisationId', 'ownerId', 'unitId', 'regionCode'];

/** Field-level problems with a user's role binding (empty when it is consistent). */
export function roleBindingProblems(role: Role, binding: RoleBinding): FieldProblem[] {
  const required = REQUIRED_BINDING[role];
  const problems: FieldProblem[] = [];
  for (const field of ALL_FIELDS) {
    const present = binding[field] !== undefined && binding[field] !== null;
    if (field === required && !present) {
      problems.push({ field, messages: [`${field} is required for role ${role}`] });
    } else if (field !== required && present) {
      problems.push({ field, messages: [`${field} must not be set for role ${role}`] });
    }
  }
  return problems;
}
