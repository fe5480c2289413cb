import { type Response } from 'express';
import ExcelJS from 'exceljs';
import { type CsvValue, toCsv } from './csv';

/** Languages documents and exports are written in; zh-CN unless the caller asks for English. */
export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/** How a column's values are shown: money is integer fen, shown as CNY with two decimals. */
export type ColumnKind = 'text' | 'integer' | 'number' | 'money_fen' | 'date' | 'percent';

export interface ExportColumn {
  header: string;
  kind?: ColumnKind;
  /** characters; xlsx only */
  width?: number;
}

/** One table of an export: the same data becomes CSV (first sheet) or xlsx (every sheet). */
export interface ExportSheet {
  name: string;
  columns: readonly ExportColumn[];
  rows: ReadonlyArray<readonly CsvValue[]>;
}

export type ExportFormat = 'csv' | 'xlsx';

/** Fen → "1234.56" (exact: integer arithmetic, no floating point). */
export function fenToYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const a = Math.abs(Math.trunc(fen));
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

function csvCell(kind: ColumnKind | undefined, v: CsvValue): CsvValue {
  if (kind === 'money_fen' && typeof v === 'number') return fenToYuan(v);
  return v;
}

/** The first sheet as CSV (UTF-8 with BOM, CRLF; formula-looking text defused). */
export function sheetToCsv(sheet: ExportSheet): string {
  return toCsv(
    sheet.columns.map((c) => c.header),
    sheet.rows.map((r) => r.map((v, i) => csvCell(sheet.columns[i]?.kind, v))),
  );
}

const NUM_FMT: Partial<Record<ColumnKind, string>> = {
  money_fen: '"¥"#,##0.00;-"¥"#,##0.00',
  integer: '0',
  percent: '0.00"%"',
};

/**
 * Sheets as an .xlsx workbook (opens in Excel and WPS): a bold, frozen header row, money as
 * numbers formatted ¥0.00 (so they can be summed), text that looks like a formula kept as text.
 */
export async function sheetsToXlsx(sheets: readonly ExportSheet[], title?: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'liftwatch';
  if (title) wb.title = title;
  const used = new Set<string>();
  for (const s of sheets) {
    // Sheet names: ≤ 31 characters, none of : \ / ? * [ ], unique.
    let name = s.name.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31) || 'Sheet';
    for (let i = 2; used.has(name); i++) name = `${name.slice(0, 28)} ${i}`;
    used.add(name);
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = s.columns.map((c) => ({
      header: c.header,
      width: c.width ?? Math.min(40, Math.max(10, c.header.length * 2 + 2)),
      style: NUM_FMT[c.kind ?? 'text'] ? { numFmt: NUM_FMT[c.kind ?? 'text'] } : {},
    }));
    ws.getRow(1).font = { bold: true };
    for (const r of s.rows) {
      ws.addRow(
        r.map((v, i) => {
          const kind = s.columns[i]?.kind;
          if (v === null || v === undefined) return null;
          if (kind === 'money_fen' && typeof v === 'number') return v / 100;
          if (typeof v === 'string' && /^[=+\-@]/.test(v)) return { richText: [{ text: v }] };
          return v;
        }),
      );
    }
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * Sends a file download with a filename that survives Chinese characters (RFC 6266/5987: an ASCII
 * fallback plus the UTF-8 name).
 */
export function sendDownload(
  res: Response,
  file: { name: string; contentType: string; body: Buffer | string },
): void {
  const ascii = file.name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  res.setHeader('Content-Type', file.contentType);
  res.setHeader(
    'Content-Disposition',
    `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
  );
  res.send(file.body);
}

export const CONTENT_TYPES: Record<ExportFormat | 'pdf', string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

/** Renders sheets in the requested format and sends them as `<baseName>.<format>`. */
export async function sendSheets(
  res: Response,
  format: ExportFormat,
  baseName: string,
  sheets: readonly ExportSheet[],
): Promise<void> {
  const first = sheets[0];
  if (!first) throw new Error('nothing to export');
  const body = format === 'csv' ? sheetToCsv(first) : await sheetsToXlsx(sheets, baseName);
  sendDownload(res, { name: `${baseName}.${format}`, contentType: CONTENT_TYPES[format], body });
}
