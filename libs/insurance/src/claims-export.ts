import { type ExportSheet, type Lang } from '@liftwatch/contract';
import { type ClaimView } from './claim.dto';

const STATUS_ZH: Record<string, string> = {
  reported: '已报案',
  surveying: '查勘中',
  documents_requested: '待补材料',
  documents_received: '材料已收',
  liability_decided: '已定责',
  assessed: '已定损',
  paid: '已赔付',
  closed: '已结案',
  rejected: '已拒赔',
};
const INCIDENT_ZH: Record<string, string> = {
  entrapment: '困人',
  injury: '人身伤害',
  property_damage: '财产损失',
  equipment_damage: '设备损坏',
  other: '其他',
};

/** The insurer's claims as a table to export (the same filters as the queue). */
export function claimsSheet(
  claims: readonly ClaimView[],
  codes: ReadonlyMap<string, string>,
  lang: Lang,
  timeZone: string,
): ExportSheet {
  const zh = lang !== 'en';
  const h = (a: string, b: string): string => (zh ? a : b);
  // Local business time (Asia/Shanghai), as the insurer's staff read it.
  const at = (iso: string | null): string =>
    iso ? new Date(iso).toLocaleString('sv-SE', { timeZone, hour12: false }).slice(0, 16) : '';
  return {
    name: h('理赔案件', 'Claims'),
    columns: [
      { header: h('案件号', 'claim_number'), width: 20 },
      { header: h('保单号', 'policy_number'), width: 20 },
      { header: h('电梯注册代码', 'registration_code'), width: 24 },
      { header: h('事故时间', 'incident_at'), width: 18 },
      { header: h('事故类型', 'incident_type'), width: 10 },
      { header: h('受影响人数', 'people'), kind: 'integer' },
      { header: h('状态', 'status'), width: 10 },
      { header: h('本阶段时长（小时）', 'hours_in_stage'), kind: 'integer' },
      { header: h('超时', 'sla_overdue'), width: 6 },
      { header: h('索赔金额', 'claimed'), kind: 'money_fen', width: 14 },
      { header: h('建议赔付', 'suggested'), kind: 'money_fen', width: 14 },
      { header: h('定损金额', 'assessed'), kind: 'money_fen', width: 14 },
      { header: h('已付金额', 'paid'), kind: 'money_fen', width: 14 },
      { header: h('报案人', 'filed_by'), width: 14 },
      { header: h('证据哈希', 'evidence_sha256'), width: 20 },
    ],
    rows: claims.map((c) => [
      c.claimNumber,
      c.policyNumber,
      codes.get(c.elevatorId) ?? '',
      at(c.incidentAt),
      zh ? (INCIDENT_ZH[c.incidentType] ?? c.incidentType) : c.incidentType,
      c.peopleAffected,
      zh ? (STATUS_ZH[c.status] ?? c.status) : c.status,
      Math.round(c.ageHours),
      c.slaOverdue ? h('是', 'yes') : '',
      c.claimedAmountFen,
      c.suggestedPayout?.totalFen ?? null,
      c.assessedAmountFen,
      c.paidAmountFen,
      c.filedBy,
      c.evidenceHash.slice(0, 16),
    ]),
  };
}
