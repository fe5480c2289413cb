import { type CsvValue, type ExportSheet, type Lang } from '@liftwatch/contract';
import { type OverdueReport } from './oversight.dto';

/** The regulator's overdue list as tables to export; labels in Chinese unless English is asked for. */

const T = {
  'zh-CN': {
    inspections: '检验逾期',
    maintenance: '维保逾期',
    firms: '按维保单位',
    all: '逾期清单',
    category: '类别',
    status: '状态',
    code: '注册代码',
    region: '区划代码',
    location: '位置',
    address: '地址',
    firm: '维保单位',
    detail: '详情',
    due: '到期',
    daysOverdue: '逾期天数',
    elevators: '电梯数',
    overdueMaintenance: '维保逾期数',
    overdueInspections: '检验逾期数',
    inspection: '检验',
    maint: '维保',
    overdue: '逾期',
    failed: '不合格',
    noContract: '无维保合同',
    periodic: '定期检验',
    selfTest: '自行检测',
    none: '（无）',
  },
  en: {
    inspections: 'Inspections overdue',
    maintenance: 'Maintenance overdue',
    firms: 'Per firm',
    all: 'Overdue',
    category: 'category',
    status: 'status',
    code: 'registration_code',
    region: 'region_code',
    location: 'location',
    address: 'address',
    firm: 'firm',
    detail: 'detail',
    due: 'due',
    daysOverdue: 'days_overdue',
    elevators: 'elevators',
    overdueMaintenance: 'overdue_maintenance',
    overdueInspections: 'overdue_inspections',
    inspection: 'inspection',
    maint: 'maintenance',
    overdue: 'overdue',
    failed: 'failed',
    noContract: 'no_contract',
    periodic: 'periodic',
    selfTest: 'self_test',
    none: '(none)',
  },
} as const;

const LEVEL_ZH: Record<string, string> = {
  half_month: '半月',
  quarterly: '季度',
  half_year: '半年',
  annual: '年度',
};

export function overdueSheets(
  r: OverdueReport,
  lang: Lang,
): { combined: ExportSheet; sheets: ExportSheet[] } {
  const t = T[lang];
  const level = (l: string): string => (lang === 'en' ? l : (LEVEL_ZH[l] ?? l));
  const baseColumns = [
    { header: t.code, width: 24 },
    { header: t.region, width: 10 },
    { header: t.location, width: 28 },
    { header: t.address, width: 30 },
    { header: t.firm, width: 24 },
  ];
  const inspectionRows: CsvValue[][] = r.inspections.map((i) => [
    i.registrationCode,
    i.regionCode,
    `${i.community} ${i.building} ${i.unit}`,
    i.address,
    i.firmName ?? t.none,
    i.state === 'failed' ? t.failed : t.overdue,
    i.kind === 'periodic' ? t.periodic : i.kind === 'self_test' ? t.selfTest : '',
    i.dueMonth ?? '',
  ]);
  const maintenanceRows: CsvValue[][] = r.maintenance.map((m) => [
    m.registrationCode,
    m.regionCode,
    `${m.community} ${m.building} ${m.unit}`,
    m.address,
    m.firmName ?? t.none,
    m.reason === 'no_contract' ? t.noContract : t.overdue,
    m.overdueLevels.map(level).join(' '),
    m.oldestDueOn ?? '',
    m.daysOverdue ?? null,
  ]);
  const sheets: ExportSheet[] = [
    {
      name: t.inspections,
      columns: [...baseColumns, { header: t.status }, { header: t.detail }, { header: t.due }],
      rows: inspectionRows,
    },
    {
      name: t.maintenance,
      columns: [
        ...baseColumns,
        { header: t.status },
        { header: t.detail },
        { header: t.due },
        { header: t.daysOverdue, kind: 'integer' },
      ],
      rows: maintenanceRows,
    },
    {
      name: t.firms,
      columns: [
        { header: t.firm, width: 28 },
        { header: t.elevators, kind: 'integer' },
        { header: t.overdueMaintenance, kind: 'integer' },
        { header: t.overdueInspections, kind: 'integer' },
      ],
      rows: r.perFirm.map((f) => [f.firmName, f.elevators, f.overdueMaintenance, f.overdueInspections]),
    },
  ];
  // One table for CSV (it has no sheets): a category column first, as the xlsx sheets are split.
  const combined: ExportSheet = {
    name: t.all,
    columns: [
      { header: t.category },
      { header: t.status },
      { header: t.code },
      { header: t.region },
      { header: t.location },
      { header: t.address },
      { header: t.firm },
      { header: t.detail },
      { header: t.due },
      { header: t.daysOverdue, kind: 'integer' },
    ],
    rows: [
      ...inspectionRows.map((x) => [t.inspection, x[5], x[0], x[1], x[2], x[3], x[4], x[6], x[7], null]),
      ...maintenanceRows.map((x) => [t.maint, x[5], x[0], x[1], x[2], x[3], x[4], x[6], x[7], x[8]]),
    ],
  };
  return { combined, sheets };
}
