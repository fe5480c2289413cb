import ExcelJS from 'exceljs';
import { fenToYuan, type ExportSheet, sheetToCsv, sheetsToXlsx } from './table-export';

const sheet: ExportSheet = {
  name: '逾期/检验',
  columns: [{ header: '注册代码' }, { header: '金额', kind: 'money_fen' }, { header: '说明' }],
  rows: [
    ['31104401062021060001', 123456, '=cmd|calc'],
    ['31104401062021060002', -5, null],
  ],
};

describe('table export', () => {
  it.each([
    [0, '0.00'],
    [1, '0.01'],
    [123456, '1234.56'],
    [-5, '-0.05'],
  ])('fenToYuan(%d) → %s', (fen, text) => {
    expect(fenToYuan(fen)).toBe(text);
  });

  it('should write CSV with a BOM, money in yuan and formulas defused', () => {
    const csv = sheetToCsv(sheet);
    expect(csv.startsWith('\uFEFF注册代码,金额,说明\r\n')).toBe(true);
    expect(csv).toContain("31104401062021060001,1234.56,'=cmd|calc");
    expect(csv).toContain('-0.05');
  });

  it('should write a workbook Excel reads back: money as numbers, formula-looking text as text', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await sheetsToXlsx([sheet])) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws?.name).toBe('逾期 检验');
    expect(ws?.getCell('B2').value).toBe(1234.56);
    expect(ws?.getCell('B2').numFmt).toContain('¥');
    expect(JSON.stringify(ws?.getCell('C2').value)).toContain('=cmd|calc');
    expect(ws?.getCell('C2').formula).toBeUndefined();
  });
});
