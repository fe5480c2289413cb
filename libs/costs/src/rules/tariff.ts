/**
 * Electricity tariffs: one price, or time-of-use periods by hour of the business day. Prices are
 * in 1/100 fen per kWh (0.5883 CNY/kWh = 5883), kWh in thousandths.
 */
export interface Tariff {
  kind: 'flat' | 'time_of_use';
  /** flat: price per kWh in 1/100 fen */
  priceCentifen?: number;
  /** time of use: [fromHour, toHour) ranges of the business day with their prices */
  periods?: Array<{ name: string; fromHour: number; toHour: number; priceCentifen: number }>;
}

export class TariffError extends Error {}

export function validateTariff(t: Tariff): void {
  if (t.kind === 'flat') {
    if (!Number.isInteger(t.priceCentifen) || (t.priceCentifen ?? -1) < 0)
      throw new TariffError('a flat tariff needs priceCentifen');
    return;
  }
  const covered = new Array<number>(24).fill(0);
  for (const p of t.periods ?? []) {
    if (!(p.fromHour >= 0 && p.toHour <= 24 && p.fromHour < p.toHour))
      throw new TariffError(`period ${p.name} has bad hours`);
    for (let h = p.fromHour; h < p.toHour; h++) covered[h] = (covered[h] ?? 0) + 1;
  }
  if (covered.some((c) => c !== 1))
    throw new TariffError('time-of-use periods must cover each hour of the day exactly once');
}

export function priceAt(t: Tariff, hour: number): number {
  if (t.kind === 'flat') return t.priceCentifen ?? 0;
  const p = (t.periods ?? []).find((x) => hour >= x.fromHour && hour < x.toHour);
  if (!p) throw new TariffError(`no tariff period covers hour ${hour}`);
  return p.priceCentifen;
}

/** Cost in fen of hourly energy (business hour, milli-kWh), rounded once at the end (half up). */
export function electricityCost(
  t: Tariff,
  hourly: ReadonlyArray<{ hour: number; milliKwh: number }>,
): {
  fen: number;
  milliKwh: number;
  byPeriod: Record<string, { milliKwh: number }>;
} {
  let centiMilli = 0n; // milli-kWh × centifen
  let total = 0;
  const byPeriod: Record<string, { milliKwh: number }> = {};
  for (const h of hourly) {
    const price = priceAt(t, h.hour);
    centiMilli += BigInt(h.milliKwh) * BigInt(price);
    total += h.milliKwh;
    const name =
      t.kind === 'flat'
        ? 'flat'
        : ((t.periods ?? []).find((x) => h.hour >= x.fromHour && h.hour < x.toHour)?.name ?? '');
    byPeriod[name] = { milliKwh: (byPeriod[name]?.milliKwh ?? 0) + h.milliKwh };
  }
  // fen = milli-kWh × centifen / (1000 × 100)
  const fen = Number((centiMilli + 50_000n) / 100_000n);
  return { fen, milliKwh: total, byPeriod };
}
