/**
 * Splitting an amount of money (integer fen) in proportion to exact rational weights so that the
 * parts add up to the total exactly: largest-remainder (Hamilton) rounding. Ties between equal
 * remainders go to the earlier item in the given order, so the same input always gives the same
 * split.
 */

/** A non-negative weight as a fraction of integers. */
export interface Weight {
  num: bigint;
  den: bigint;
}

export const weight = (num: bigint | number, den: bigint | number = 1n): Weight => ({
  num: BigInt(num),
  den: BigInt(den),
});

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a < 0n ? -a : a;
}

function lcm(a: bigint, b: bigint): bigint {
  return (a / gcd(a, b)) * b;
}

/**
 * Splits `totalFen` (≥ 0) by `weights`. All-zero weights are an error: there is nobody to pay.
 * Returns integers that sum to `totalFen`, each the floor or the ceiling of its exact quota.
 */
export function apportion(totalFen: number, weights: readonly Weight[]): number[] {
  if (!Number.isSafeInteger(totalFen) || totalFen < 0)
    throw new Error(`total must be a non-negative integer, got ${totalFen}`);
  if (weights.length === 0) throw new Error('nothing to split between');
  for (const w of weights) {
    if (w.num < 0n || w.den <= 0n) throw new Error('weights must be non-negative fractions');
  }
  const common = weights.reduce((acc, w) => lcm(acc, w.den), 1n);
  const scaled = weights.map((w) => (w.num * common) / w.den);
  const sum = scaled.reduce((a, b) => a + b, 0n);
  if (sum === 0n) throw new Error('all weights are zero');
  const total = BigInt(totalFen);
  const floors = scaled.map((s) => (total * s) / sum);
  const remainders = scaled.map((s, i) => ({ i, r: total * s - (floors[i] ?? 0n) * sum }));
  let left = total - floors.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  const out = floors.map(Number);
  for (const { i } of remainders) {
    if (left === 0n) break;
    out[i] = (out[i] ?? 0) + 1;
    left -= 1n;
  }
  return out;
}
