/** What an on-demand (按需维保) policy requires, stored with the policy. */
export interface OnDemandRequirements {
  /** the elevator's IoT device must have reported within this many hours */
  iotMaxSilenceHours: number;
  /** lowest acceptable credit rating of the firm (A best … D worst) */
  minCreditRating: 'A' | 'B' | 'C' | 'D';
}

export type ConditionCode = 'iot_connected' | 'inspection_valid' | 'insurance_active' | 'firm_credit_rating';

export interface ConditionResult {
  code: ConditionCode;
  met: boolean;
  detail: string;
}

export interface ElevatorFacts {
  registrationCode: string;
  lastTelemetryAt: Date | null;
  inspectionState: 'ok' | 'due' | 'overdue' | 'failed' | 'unknown';
  insuranceActive: boolean;
}

const RATING_ORDER = ['A', 'B', 'C', 'D'];

/**
 * Entry conditions for on-demand maintenance (Shenzhen pilot practice): IoT monitoring connected,
 * inspection valid, insurance active and the firm's credit rating above C. Evaluated per elevator;
 * the firm's rating once.
 */
export function evaluateOnDemand(
  req: OnDemandRequirements,
  now: Date,
  firmRating: string | null,
  elevators: readonly ElevatorFacts[],
): ConditionResult[] {
  const results: ConditionResult[] = [];
  const ratingOk =
    firmRating !== null &&
    RATING_ORDER.indexOf(firmRating) >= 0 &&
    RATING_ORDER.indexOf(firmRating) <= RATING_ORDER.indexOf(req.minCreditRating);
  results.push({
    code: 'firm_credit_rating',
    met: ratingOk,
    detail: ratingOk
      ? `firm rated ${firmRating}`
      : `firm rated ${firmRating ?? 'unrated'}; ${req.minCreditRating} or better required`,
  });
  for (const e of elevators) {
    const silenceH = e.lastTelemetryAt ? (now.getTime() - e.lastTelemetryAt.getTime()) / 3_600_000 : null;
    const iotOk = silenceH !== null && silenceH <= req.iotMaxSilenceHours;
    results.push({
      code: 'iot_connected',
      met: iotOk,
      detail:
        silenceH === null
          ? `${e.registrationCode}: no IoT data received`
          : iotOk
            ? `${e.registrationCode}: last IoT data ${silenceH.toFixed(1)} h ago`
            : `${e.registrationCode}: no IoT data for ${silenceH.toFixed(1)} h (limit ${req.iotMaxSilenceHours} h)`,
    });
    const inspOk = e.inspectionState === 'ok' || e.inspectionState === 'due';
    results.push({
      code: 'inspection_valid',
      met: inspOk,
      detail: `${e.registrationCode}: inspection ${e.inspectionState}`,
    });
    results.push({
      code: 'insurance_active',
      met: e.insuranceActive,
      detail: `${e.registrationCode}: ${e.insuranceActive ? 'insured' : 'no active insurance'}`,
    });
  }
  return results;
}

export function isOnDemandRequirements(value: unknown): value is OnDemandRequirements {
  const v = value as Partial<OnDemandRequirements> | null;
  return (
    !!v &&
    typeof v.iotMaxSilenceHours === 'number' &&
    typeof v.minCreditRating === 'string' &&
    RATING_ORDER.includes(v.minCreditRating)
  );
}
