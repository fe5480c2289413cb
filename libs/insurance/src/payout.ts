/** One entrapment payout tier of a policy: at least `minMinutes` trapped pays `payoutFenPerPerson`. */
export interface EntrapmentTier {
  minMinutes: number;
  payoutFenPerPerson: number;
}

export interface SuggestedPayout {
  trappedSeconds: number;
  trappedMinutes: number;
  tier: EntrapmentTier | null;
  people: number;
  perPersonFen: number;
  totalFen: number;
  /** the bound applied, when a per-incident limit cut the total */
  cappedByLimitFen: number | null;
}

/**
 * The payout the policy's tiers suggest for an IoT-measured entrapment: the highest tier whose
 * minimum the trapped duration reaches (bounds included), per person, capped by the per-incident
 * limit. At least one person is assumed trapped when an entrapment was detected.
 */
export function suggestEntrapmentPayout(
  tiers: readonly EntrapmentTier[],
  trappedSeconds: number,
  people: number,
  perIncidentLimitFen: number | null,
): SuggestedPayout {
  const minutes = trappedSeconds / 60;
  const tier =
    [...tiers].sort((a, b) => b.minMinutes - a.minMinutes).find((t) => minutes >= t.minMinutes) ?? null;
  const persons = Math.max(1, people);
  const raw = tier ? tier.payoutFenPerPerson * persons : 0;
  const capped = perIncidentLimitFen !== null && raw > perIncidentLimitFen;
  return {
    trappedSeconds,
    trappedMinutes: Math.floor(minutes),
    tier,
    people: persons,
    perPersonFen: tier?.payoutFenPerPerson ?? 0,
    totalFen: capped ? (perIncidentLimitFen ?? 0) : raw,
    cappedByLimitFen: capped ? perIncidentLimitFen : null,
  };
}
