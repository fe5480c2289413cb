import { renderPdf } from './simple-pdf';

describe('minimal PDF writer', () => {
  it('should write a well-formed PDF whose xref offsets point at their objects', () => {
    const pdf = renderPdf('2026-10 电梯运行费用', [
      { text: '华景新城 12栋1单元 2026-10', size: 14 },
      ...Array.from({ length: 120 }, (_, i) => ({ text: `第${i + 1}行 电费 ¥12.34` })),
    ]);
    const text = pdf.toString('latin1');
    expect(text.startsWith('%PDF-1.4')).toBe(true);
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
    const startxref = Number(/startxref\n(\d+)/.exec(text)?.[1]);
    expect(text.slice(startxref, startxref + 4)).toBe('xref');
    const entries = [...text.slice(startxref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    entries.forEach((offset, i) =>
      expect(text.slice(offset, offset + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`),
    );
    expect(text).toContain('/Encoding /UniGB-UCS2-H');
    expect(text).toContain('/Count 3'); // 121 lines at 15 pt spill onto three A4 pages
    // 电 is U+7535
    expect(text).toContain('7535');
  });
});
