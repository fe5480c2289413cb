import type { TFunction } from 'i18next';
import type { Schemas } from '../api/client';
import { fmtDate, fmtDateTime, fmtMoney } from '../ui/format';

export type Project = Schemas['ProjectView'];
export type Phase = Project['phase'];
/** A split scheme as the agreement stores it (the API documents it as an object). */
export interface Scheme {
  kind: 'floor_coefficient' | 'area' | 'coefficient_area' | 'custom_percent';
  floorCoefficients?: Record<string, number>;
  customBasisPoints?: Record<string, number>;
  exemptFlatIds?: string[];
  groundFloorCompensationFen?: number;
}

export const asScheme = (s: object | undefined): Scheme | undefined => s as Scheme | undefined;
export type Notice = Schemas['NotificationView'];

export const PHASES: Phase[] = [
  'preparation',
  'consent_vote',
  'agreement_published',
  'joint_review',
  'construction',
  'acceptance',
  'in_operation',
];

/** A split scheme in words, as the statement prints it. */
export function schemeText(raw: object | undefined, t: TFunction): string {
  const s = asScheme(raw);
  if (!s) return '—';
  const coef = Object.entries(s.floorCoefficients ?? {})
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([f, c]) => t('scheme.floorCoef', { floor: f, coef: (Number(c) / 1000).toFixed(2) }))
    .join(t('scheme.sep'));
  let text = t(`scheme.${s.kind}`, { coefficients: coef });
  if (s.exemptFlatIds?.length) text += t('scheme.exempt', { count: s.exemptFlatIds.length });
  if (s.groundFloorCompensationFen)
    text += t('scheme.compensation', { amount: fmtMoney(s.groundFloorCompensationFen) });
  return text;
}

const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/** What a notice says, in the reader's language (the stored title is the English fallback). */
export function noticeText(n: Notice, t: TFunction, lang: string): string {
  const d = n.data;
  const code = str(d.registrationCode) || n.title.split(':')[0];
  switch (n.kind) {
    case 'visit_recorded':
      return t('notice.visit_recorded', {
        code,
        what: d.level ? t(`level.${str(d.level)}`) : t(`recordKind.${str(d.kind)}`),
        at: fmtDateTime(str(d.departedAt)),
      });
    case 'statement_issued':
      return t('notice.statement_issued', {
        month: str(d.month),
        due: fmtDate(str(d.dueOn)),
        total: fmtMoney(Number(d.totalFen ?? 0)),
      });
    case 'statement_due':
      return t('notice.statement_due', {
        month: str(d.month),
        due: fmtDate(str(d.dueOn)),
        mine: fmtMoney(Number(d.ownerFen ?? 0)),
        total: fmtMoney(Number(d.totalFen ?? 0)),
      });
    case 'outage':
      return t('notice.outage', {
        code,
        what: lang === 'en' ? str(d.nameEn) : str(d.nameZh),
        at: fmtDateTime(str(d.since)),
      });
    case 'maintenance_due':
    case 'maintenance_overdue':
      return t(`notice.${n.kind}`, { code, level: t(`level.${str(d.level)}`), due: fmtDate(str(d.dueOn)) });
    case 'inspection_apply_by':
    case 'inspection_overdue':
      return t(`notice.${n.kind}`, { code, month: str(d.dueMonth), applyBy: fmtDate(str(d.applyBy)) });
    default:
      return n.title;
  }
}

/** Seconds as "3 h 12 min" / "3小时12分". */
export function duration(seconds: number, t: TFunction): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.round((seconds % 3600) / 60);
  return h > 0 ? t('duration.hm', { h, m }) : t('duration.m', { m });
}
