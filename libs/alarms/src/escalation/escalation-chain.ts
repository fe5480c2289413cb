/**
 * Who hears of an unacknowledged rescue alarm, and when. Pure and table-tested.
 *
 * The chain: each person on the maintenance firm's on-call list in turn (by position), then the
 * firm's managers together, then the duty line of the nearest region that has one (the county,
 * else its prefecture, else its province). One step per period without an acknowledgement; an
 * acknowledgement stops the chain.
 */
export const ESCALATION_LEVELS = ['on_call', 'manager', 'duty_line'] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

export interface ChainContact {
  id: string;
  level: EscalationLevel;
  position: number;
  name: string;
  phone: string | null;
  webhookUrl: string | null;
  /** duty lines: how many levels up from the elevator's own region (0 = its own) */
  regionDepth: number | null;
}

export interface EscalationStep {
  level: EscalationLevel;
  contacts: ChainContact[];
}

export function escalationChain(contacts: readonly ChainContact[]): EscalationStep[] {
  const onCall = contacts
    .filter((c) => c.level === 'on_call')
    .sort((a, b) => a.position - b.position || a.name.localeCompare(b.name));
  const managers = contacts
    .filter((c) => c.level === 'manager')
    .sort((a, b) => a.position - b.position || a.name.localeCompare(b.name));
  const duty = contacts.filter((c) => c.level === 'duty_line');
  const nearest = Math.min(...duty.map((c) => c.regionDepth ?? Number.MAX_SAFE_INTEGER));
  const dutyLine = duty
    .filter((c) => (c.regionDepth ?? Number.MAX_SAFE_INTEGER) === nearest)
    .sort((a, b) => a.position - b.position || a.name.localeCompare(b.name));
  const steps: EscalationStep[] = onCall.map((c) => ({ level: 'on_call', contacts: [c] }));
  if (managers.length > 0) steps.push({ level: 'manager', contacts: managers });
  if (dutyLine.length > 0) steps.push({ level: 'duty_line', contacts: dutyLine });
  return steps;
}

/**
 * How many steps are due `elapsedMs` after the unacknowledged clock started: the first after one
 * period, the next after two, and so on.
 */
export function dueSteps(elapsedMs: number, periodS: number): number {
  if (elapsedMs < 0) return 0;
  return Math.floor(elapsedMs / (periodS * 1000));
}

/** Each contact's ways of being reached, one message per channel. */
export function deliveriesOf(
  step: EscalationStep,
): Array<{ contact: ChainContact; channel: 'sms' | 'webhook'; recipient: string }> {
  const out: Array<{ contact: ChainContact; channel: 'sms' | 'webhook'; recipient: string }> = [];
  for (const c of step.contacts) {
    if (c.phone) out.push({ contact: c, channel: 'sms', recipient: c.phone });
    if (c.webhookUrl) out.push({ contact: c, channel: 'webhook', recipient: c.webhookUrl });
  }
  return out;
}
