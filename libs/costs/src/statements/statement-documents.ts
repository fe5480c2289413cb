import { type ExportSheet, type Lang } from '@liftwatch/contract';
import { PdfReport } from '@liftwatch/documents';
import { type StatementView } from './statements.service';
import { cny } from './statement-text';

/**
 * A statement as owners receive it: PDF for reading and printing, xlsx and CSV for the agent's
 * bookkeeping. Pure rendering of a StatementView (already scoped to the viewer and localised).
 */

const T = {
  'zh-CN': {
    title: '电梯运行费用月结单',
    number: '结单编号',
    place: '单元',
    month: '费用月份',
    issued: '出具日期',
    due: '缴费截止',
    payee: '收款方',
    model: '运营方式',
    costs: '费用明细',
    item: '项目',
    detail: '说明',
    amount: '金额',
    total: '合计',
    split: '分摊方式',
    shares: '分摊明细',
    flat: '房号',
    floor: '楼层',
    owner: '业主',
    period: '期间',
    days: '天数',
    share: '产权份额',
    flatShare: '本户分摊',
    ownerPays: '应缴',
    working: '计算过程',
    youPay: '您本月应缴',
    immutable: '本结单出具后不再更改；如有差错，将在以后月份的结单中以“往期调整”列出。',
    adjusts: '调整',
    row: '类别',
  },
  en: {
    title: 'Elevator running-cost statement',
    number: 'Statement no.',
    place: 'Unit',
    month: 'Month',
    issued: 'Issued',
    due: 'Pay by',
    payee: 'Payee',
    model: 'Operating model',
    costs: 'Costs',
    item: 'Item',
    detail: 'Detail',
    amount: 'Amount',
    total: 'Total',
    split: 'How it is split',
    shares: 'Shares',
    flat: 'Flat',
    floor: 'Floor',
    owner: 'Owner',
    period: 'Period',
    days: 'Days',
    share: 'Ownership',
    flatShare: "Flat's share",
    ownerPays: 'To pay',
    working: 'How it is worked out',
    youPay: 'You pay this month',
    immutable:
      'An issued statement is never changed; a correction appears as an adjustment line on a later statement.',
    adjusts: 'adjusts',
    row: 'Row',
  },
} as const;

/** The statement as one table (costs, total, shares), for CSV and the first xlsx sheet. */
export function statementSheets(s: StatementView, lang: Lang): ExportSheet[] {
  const t = T[lang];
  const costs: ExportSheet = {
    name: t.costs,
    columns: [
      { header: t.number, width: 20 },
      { header: t.month, width: 10 },
      { header: t.item, width: 14 },
      { header: t.detail, width: 60 },
      { header: t.adjusts, width: 10 },
      { header: t.amount, kind: 'money_fen', width: 14 },
    ],
    rows: [
      ...s.lines.map((l) => [s.statementNumber, s.month, l.label, l.text, l.adjustsMonth ?? '', l.amountFen]),
      [s.statementNumber, s.month, t.total, '', '', s.totalFen],
    ],
  };
  const shares: ExportSheet = {
    name: t.shares,
    columns: [
      { header: t.number, width: 20 },
      { header: t.flat, width: 8 },
      { header: t.floor, kind: 'integer', width: 6 },
      { header: t.owner, width: 12 },
      { header: t.period, width: 24 },
      { header: t.days, kind: 'integer', width: 6 },
      { header: t.share, kind: 'percent', width: 8 },
      { header: t.flatShare, kind: 'money_fen', width: 14 },
      { header: t.ownerPays, kind: 'money_fen', width: 14 },
      { header: t.due, width: 12 },
      { header: t.working, width: 90 },
    ],
    rows: s.allocations.map((a) => [
      s.statementNumber,
      a.flatNumber,
      a.floor,
      a.ownerName,
      `${a.periodFrom} ~ ${a.periodTo}`,
      a.days,
      a.sharePercent,
      a.flatFen,
      a.ownerFen,
      s.dueOn,
      a.workingText ?? '',
    ]),
  };
  return [costs, shares];
}

/**
 * One CSV for both tables: a first column says which table a row belongs to (CSV has one sheet).
 */
export function statementCsvSheet(s: StatementView, lang: Lang): ExportSheet {
  const t = T[lang];
  const [costs, shares] = statementSheets(s, lang) as [ExportSheet, ExportSheet];
  const width = Math.max(costs.columns.length, shares.columns.length);
  const pad = (r: readonly unknown[]): Array<string | number | null> => [
    ...(r as Array<string | number | null>),
    ...Array<null>(width - r.length).fill(null),
  ];
  return {
    name: t.title,
    columns: [
      { header: t.row },
      ...Array.from({ length: width }, (_, i) => ({
        header: `${costs.columns[i]?.header ?? ''}${shares.columns[i] ? ` / ${shares.columns[i]?.header}` : ''}`,
        kind: costs.columns[i]?.kind === shares.columns[i]?.kind ? costs.columns[i]?.kind : undefined,
      })),
    ],
    rows: [
      ...costs.rows.map((r) => [
        t.costs,
        ...pad(
          r.map((v, i) =>
            costs.columns[i]?.kind === 'money_fen' && typeof v === 'number' ? (v / 100).toFixed(2) : v,
          ),
        ),
      ]),
      ...shares.rows.map((r) => [
        t.shares,
        ...pad(
          r.map((v, i) =>
            shares.columns[i]?.kind === 'money_fen' && typeof v === 'number' ? (v / 100).toFixed(2) : v,
          ),
        ),
      ]),
    ],
  };
}

/** The printable statement. An owner's copy shows their own rows and what they pay. */
export async function statementPdf(
  s: StatementView,
  lang: Lang,
  viewerOwnerId: string | null,
): Promise<Buffer> {
  const t = T[lang];
  const r = new PdfReport({ title: `${t.title} ${s.month}`, footer: `${t.title} · ${s.statementNumber}` });
  r.title(`${t.title}  ${s.month}`, s.place);
  r.keyValues([
    [t.number, s.statementNumber],
    [t.place, s.place],
    [t.month, s.month],
    [t.issued, s.issuedOn],
    [t.due, s.dueOn],
    [t.payee, s.payee],
    [t.model, s.operatingModelText],
  ]);
  if (viewerOwnerId) {
    const mine = s.allocations.filter((a) => a.ownerId === viewerOwnerId).reduce((a, x) => a + x.ownerFen, 0);
    r.callout(`${t.youPay}（${t.due} ${s.dueOn}）`, cny(mine));
  }
  r.heading(t.costs);
  r.table(
    [
      { header: t.item, width: 18 },
      { header: t.detail, width: 62 },
      { header: t.amount, width: 20, align: 'right' },
    ],
    [...s.lines.map((l) => [l.label, l.text, cny(l.amountFen)]), [t.total, '', cny(s.totalFen)]],
    new Set([s.lines.length]),
  );
  r.heading(t.split);
  r.paragraph(s.schemeText);
  r.heading(t.shares);
  r.table(
    [
      { header: t.flat, width: 9 },
      { header: t.owner, width: 12 },
      { header: t.period, width: 35 },
      { header: t.share, width: 12, align: 'right' },
      { header: t.flatShare, width: 16, align: 'right' },
      { header: t.ownerPays, width: 16, align: 'right' },
    ],
    s.allocations.map((a) => [
      a.flatNumber,
      a.ownerName,
      lang === 'en'
        ? `${a.periodFrom} ~ ${a.periodTo} (${a.days} d)`
        : `${a.periodFrom} ~ ${a.periodTo}（${a.days}天）`,
      `${a.sharePercent}%`,
      cny(a.flatFen),
      cny(a.ownerFen),
    ]),
  );
  const worked = s.allocations.filter((a) => a.workingText);
  if (worked.length > 0) {
    r.heading(t.working);
    for (const a of worked)
      r.paragraph(`${a.flatNumber} ${a.ownerName}：${a.workingText ?? ''}`, { size: 8.5 });
  }
  r.space(1);
  r.paragraph(t.immutable, { muted: true, size: 8.5 });
  return r.finish();
}
