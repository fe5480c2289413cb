import { type FieldProblem } from '@liftwatch/contract';

export interface ShareEntry {
  ownerId?: string;
  name?: string;
  sharePercent: number;
}

/**
 * Co-owners' shares (按份共有, as on the property certificate) must add up to exactly 100 %.
 * Shares have two decimals, so they are compared in hundredths to avoid float drift.
 */
export function ownershipShareProblems(entries: ShareEntry[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (entries.length === 0) return [{ field: 'owners', messages: ['at least one owner is required'] }];
  const seen = new Set<string>();
  entries.forEach((e, i) => {
    if ((e.ownerId === undefined) === (e.name === undefined)) {
      problems.push({
        field: `owners.${i}`,
        messages: ['give either ownerId (existing owner) or name (new owner)'],
      });
    }
    if (e.ownerId !== undefined) {
      if (seen.has(e.ownerId))
        problems.push({ field: `owners.${i}.ownerId`, messages: ['owner listed twice'] });
      seen.add(e.ownerId);
    }
  });
  const hundredths = entries.reduce((sum, e) => sum + Math.round(e.sharePercent * 100), 0);
  if (hundredths !== 10000) {
    problems.push({
      field: 'owners',
      messages: [`shares add up to ${(hundredths / 100).toFixed(2)} %, not 100 %`],
    });
  }
  return problems;
}

/** Shows the first three and last four digits of a phone number: 138****5678. */
export function maskPhone(phone: string | null): string | null {
  if (phone === null) return null;
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 8) return '****';
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}
