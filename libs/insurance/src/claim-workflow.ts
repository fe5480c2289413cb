import { type Role } from '@liftwatch/access';

export const CLAIM_STATUSES = [
  'reported',
  'surveying',
  'documents_requested',
  'documents_received',
  'liability_decided',
  'assessed',
  'paid',
  'closed',
  'rejected',
] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

export const CLAIM_ACTIONS = [
  'survey',
  'request_documents',
  'receive_documents',
  'decide_liability',
  'assess',
  'pay',
  'close',
  'reject',
] as const;
export type ClaimAction = (typeof CLAIM_ACTIONS)[number];

/** Who acts: the insurer of the policy, or the claimant's side (owners/agent/firm who filed). */
export type ClaimParty = 'insurer' | 'claimant';

interface Transition {
  from: readonly ClaimStatus[];
  to: ClaimStatus;
  by: readonly ClaimParty[];
}

/** The claim flow (report → survey → documents → liability → assessment → payment → closed). */
export const TRANSITIONS: Record<ClaimAction, Transition> = {
  survey: { from: ['reported'], to: 'surveying', by: ['insurer'] },
  request_documents: {
    from: ['surveying', 'documents_received'],
    to: 'documents_requested',
    by: ['insurer'],
  },
  receive_documents: { from: ['documents_requested'], to: 'documents_received', by: ['insurer', 'claimant'] },
  decide_liability: { from: ['surveying', 'documents_received'], to: 'liability_decided', by: ['insurer'] },
  assess: { from: ['liability_decided'], to: 'assessed', by: ['insurer'] },
  pay: { from: ['assessed'], to: 'paid', by: ['insurer'] },
  close: { from: ['paid'], to: 'closed', by: ['insurer'] },
  reject: {
    from: ['reported', 'surveying', 'documents_requested', 'documents_received', 'liability_decided'],
    to: 'rejected',
    by: ['insurer'],
  },
};

/**
 * Target hours per stage (the SLA clock); unconfirmed defaults, kept as data. Payment within ten
 * days of the agreed amount follows Insurance Law art. 23.
 */
export const STAGE_SLA_HOURS: Partial<Record<ClaimStatus, number>> = {
  reported: 24,
  surveying: 72,
  documents_requested: 14 * 24,
  documents_received: 72,
  liability_decided: 5 * 24,
  assessed: 10 * 24,
};

export type TransitionCheck =
  { ok: true; to: ClaimStatus } | { ok: false; reason: 'wrong_status' | 'wrong_party'; message: string };

export function checkTransition(
  status: ClaimStatus,
  action: ClaimAction,
  party: ClaimParty | null,
): TransitionCheck {
  const t = TRANSITIONS[action];
  if (!party || !t.by.includes(party)) {
    return { ok: false, reason: 'wrong_party', message: `${action} is done by the ${t.by.join(' or ')}` };
  }
  if (!t.from.includes(status)) {
    return { ok: false, reason: 'wrong_status', message: `cannot ${action} a claim that is ${status}` };
  }
  return { ok: true, to: t.to };
}

export function partyOf(role: Role, isInsurer: boolean, isClaimantSide: boolean): ClaimParty | null {
  if (role === 'insurer' && isInsurer) return 'insurer';
  if (role === 'admin') return 'insurer';
  return isClaimantSide ? 'claimant' : null;
}

export interface StageAge {
  status: ClaimStatus;
  enteredAt: string;
  leftAt: string | null;
  hours: number;
  slaHours: number | null;
  overdue: boolean;
}

/** How long the claim spent (or has been) in each stage, against the SLA. */
export function stageAges(events: ReadonlyArray<{ at: Date; toStatus: ClaimStatus }>, now: Date): StageAge[] {
  return events.map((e, i) => {
    const next = events[i + 1];
    const end = next ? next.at : now;
    const hours = Math.round(((end.getTime() - e.at.getTime()) / 3_600_000) * 10) / 10;
    const sla = STAGE_SLA_HOURS[e.toStatus] ?? null;
    return {
      status: e.toStatus,
      enteredAt: e.at.toISOString(),
      leftAt: next ? next.at.toISOString() : null,
      hours,
      slaHours: sla,
      overdue: sla !== null && hours > sla,
    };
  });
}
