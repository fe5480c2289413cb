import { type Dayjs } from 'dayjs';
import { ApiError, type Schemas } from '../api/client';
import { asScheme } from './text';

type AgreementBody = Schemas['AgreementDto'];

type SchemeKind = AgreementBody['runningScheme']['kind'];

export const SCHEME_KINDS: SchemeKind[] = ['floor_coefficient', 'area', 'coefficient_area', 'custom_percent'];

/** The error's field messages, for a form's or an alert's text. */
export function problem(e: unknown, fallback: string): string {
  if (!(e instanceof ApiError)) return fallback;
  const fields = e.fields.map((f) => `${f.field}: ${f.messages.join(', ')}`).join('; ');
  return fields || e.message;
}

interface SchemeForm {
  kind: SchemeKind;
  guangzhou: boolean;
}

export function schemeForm(raw: object): SchemeForm {
  const s = asScheme(raw);
  return { kind: s?.kind ?? 'area', guangzhou: !!s?.floorCoefficients };
}

export interface AgreementForm {
  signedOn: Dayjs;
  budgetYuan: number;
  subsidyYuan?: number;
  construction: SchemeForm;
  compensationYuan?: number;
  running: SchemeForm;
  operatingModel: AgreementBody['operatingModel'];
  leaseYuan?: number;
  rideYuan?: number;
  payee?: string;
  paymentDueDay?: number;
}

const fen = (yuan: number | undefined): number | undefined =>
  yuan === undefined || yuan === null ? undefined : Math.round(yuan * 100);

export function toBody(f: AgreementForm): AgreementBody {
  const scheme = (s: SchemeForm, compensation?: number): AgreementBody['runningScheme'] => {
    const out: AgreementBody['runningScheme'] = { kind: s.kind };
    if (s.guangzhou && (s.kind === 'floor_coefficient' || s.kind === 'coefficient_area'))
      out.preset = 'guangzhou';
    if (compensation) out.groundFloorCompensationFen = compensation;
    return out;
  };
  const body: AgreementBody = {
    signedOn: f.signedOn.format('YYYY-MM-DD'),
    constructionBudgetFen: fen(f.budgetYuan) ?? 0,
    constructionScheme: scheme(f.construction, fen(f.compensationYuan)),
    runningScheme: scheme(f.running),
    operatingModel: f.operatingModel,
    paymentDueDay: f.paymentDueDay ?? 15,
  };
  const subsidy = fen(f.subsidyYuan);
  if (subsidy) body.subsidyFen = subsidy;
  const lease = fen(f.leaseYuan);
  if (f.operatingModel === 'leased' && lease !== undefined) body.leaseMonthlyFeeFen = lease;
  const ride = fen(f.rideYuan);
  if (f.operatingModel === 'shared' && ride !== undefined) body.ridePriceFen = ride;
  if (f.payee) body.payee = f.payee;
  return body;
}

export interface CostForm {
  occurredOn: Dayjs;
  category: 'repair' | 'parts' | 'other';
  amountYuan: number;
  description: string;
}
