/**
 * The project consent rule (retrofit policy; the double majority of Civil Code art. 278): owners
 * holding ≥ 2/3 of the exclusive area AND ≥ 2/3 of the owners must take part; of those taking part,
 * ≥ 3/4 of the area AND ≥ 3/4 of the owners must agree. "以上" includes the bound (art. 1259).
 * Headcount is by exclusive part: one flat, one owner (SPC interpretation on building ownership,
 * art. 9). Areas are compared in integer hundredths of a square metre, so the arithmetic is exact.
 */

export type Answer = 'agree' | 'disagree' | 'abstain';

export interface BallotFlat {
  flatId: string;
  /** exclusive area, m² with at most two decimals */
  areaM2: number;
  /** null: did not take part */
  answer: Answer | null;
}

export type ConditionName =
  'participation_area' | 'participation_owners' | 'agreement_area' | 'agreement_owners';

export interface VoteCondition {
  name: ConditionName;
  /** what was reached, and out of what */
  reached: number;
  of: number;
  required: { numerator: number; denominator: number };
  met: boolean;
  /** how much more (m² or owners) would have been needed; 0 when met */
  shortBy: number;
  unit: 'm2' | 'owners';
}

export interface VoteResult {
  passed: boolean;
  conditions: VoteCondition[];
  failed: ConditionName[];
  totals: {
    flats: number;
    areaM2: number;
    participatingFlats: number;
    participatingAreaM2: number;
    agreeFlats: number;
    agreeAreaM2: number;
  };
}

const centi = (m2: number): bigint => BigInt(Math.round(m2 * 100));

function condition(
  name: ConditionName,
  reached: bigint,
  of: bigint,
  num: bigint,
  den: bigint,
  unit: 'm2' | 'owners',
): VoteCondition {
  const met = of > 0n && reached * den >= of * num;
  // smallest x with x * den >= of * num
  const needed = (of * num + den - 1n) / den;
  const short = met ? 0n : needed - reached;
  const scale = unit === 'm2' ? 100 : 1;
  return {
    name,
    reached: Number(reached) / scale,
    of: Number(of) / scale,
    required: { numerator: Number(num), denominator: Number(den) },
    met,
    shortBy: Number(short) / scale,
    unit,
  };
}

export function tallyVote(flats: readonly BallotFlat[]): VoteResult {
  let area = 0n;
  let partArea = 0n;
  let agreeArea = 0n;
  let part = 0n;
  let agree = 0n;
  for (const f of flats) {
    const a = centi(f.areaM2);
    area += a;
    if (f.answer !== null) {
      part += 1n;
      partArea += a;
      if (f.answer === 'agree') {
        agree += 1n;
        agreeArea += a;
      }
    }
  }
  const conditions = [
    condition('participation_area', partArea, area, 2n, 3n, 'm2'),
    condition('participation_owners', part, BigInt(flats.length), 2n, 3n, 'owners'),
    condition('agreement_area', agreeArea, partArea, 3n, 4n, 'm2'),
    condition('agreement_owners', agree, part, 3n, 4n, 'owners'),
  ];
  const failed = conditions.filter((c) => !c.met).map((c) => c.name);
  return {
    passed: failed.length === 0,
    conditions,
    failed,
    totals: {
      flats: flats.length,
      areaM2: Number(area) / 100,
      participatingFlats: Number(part),
      participatingAreaM2: Number(partArea) / 100,
      agreeFlats: Number(agree),
      agreeAreaM2: Number(agreeArea) / 100,
    },
  };
}
