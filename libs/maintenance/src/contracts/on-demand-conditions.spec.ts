import { evaluateOnDemand, type ElevatorFacts } from './on-demand-conditions';

const REQ = { iotMaxSilenceHours: 72, minCreditRating: 'B' as const };
const NOW = new Date('2026-11-24T02:00:00Z');
const GOOD: ElevatorFacts = {
  registrationCode: 'E1',
  lastTelemetryAt: new Date('2026-11-24T01:00:00Z'),
  inspectionState: 'ok',
  insuranceActive: true,
};

const unmet = (r: ReturnType<typeof evaluateOnDemand>) => r.filter((c) => !c.met).map((c) => c.code);

describe('on-demand maintenance entry conditions', () => {
  it('should pass an IoT-connected, inspected, insured elevator maintained by an A or B firm', () => {
    expect(unmet(evaluateOnDemand(REQ, NOW, 'A', [GOOD]))).toEqual([]);
    expect(unmet(evaluateOnDemand(REQ, NOW, 'B', [GOOD]))).toEqual([]);
  });

  it('should refuse firms rated C or lower, or unrated', () => {
    expect(unmet(evaluateOnDemand(REQ, NOW, 'C', [GOOD]))).toEqual(['firm_credit_rating']);
    expect(unmet(evaluateOnDemand(REQ, NOW, null, [GOOD]))).toEqual(['firm_credit_rating']);
  });

  it('should name each unmet condition with the elevator', () => {
    const result = evaluateOnDemand(REQ, NOW, 'A', [
      {
        ...GOOD,
        registrationCode: 'E2',
        lastTelemetryAt: null,
        inspectionState: 'overdue',
        insuranceActive: false,
      },
    ]);
    expect(unmet(result)).toEqual(['iot_connected', 'inspection_valid', 'insurance_active']);
    expect(result.find((c) => c.code === 'iot_connected')?.detail).toBe('E2: no IoT data received');
  });

  it('should treat a device silent for longer than the limit as not connected', () => {
    const stale = { ...GOOD, lastTelemetryAt: new Date('2026-11-20T00:00:00Z') };
    expect(unmet(evaluateOnDemand(REQ, NOW, 'A', [stale]))).toEqual(['iot_connected']);
  });
});
