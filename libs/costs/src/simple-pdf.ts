/**
 * A minimal PDF writer for text reports in Chinese and English, without embedding a font: it uses
 * the standard Adobe-GB1 CID font STSong-Light with the UniGB-UCS2-H CMap, which PDF viewers
 * (Acrobat, pdf.js, PDFium) supply themselves. That keeps the file small and the dependency list
 * free of a 10 MB CJK font. Lines are laid out top to bottom on A4 pages.
 */

export interface PdfLine {
  text: string;
  size?: number;
  /** extra space before the line, points */
  gap?: number;
}

const PAGE_W = 595;
const PAGE_H = 842;
const MARGIN = 50;

function hexUtf16(text: string): string {
  let hex = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0x3f;
    // UCS-2 only: characters outside the BMP become '?'
    hex += (code > 0xffff ? 0x3f : code).toString(16).padStart(4, '0');
  }
  return hex.toUpperCase();
}

export function renderPdf(title: string, lines: readonly PdfLine[]): Buffer {
  // paginate
  const pages: string[][] = [[]];
  let y = PAGE_H - MARGIN;
  for (const line of lines) {
    const size = line.size ?? 10;
    const advance = size * 1.5 + (line.gap ?? 0);
    if (y - advance < MARGIN) {
      pages.push([]);
      y = PAGE_H - MARGIN;
    }
    y -= advance;
    pages[pages.length - 1].push(
      `BT /F1 ${size} Tf ${MARGIN} ${y.toFixed(1)} Td <${hexUtf16(line.text)}> Tj ET`,
    );
  }

  const objects: string[] = [];
  const add = (body: string): number => {
    objects.push(body);
    return objects.length;
  };
  const catalog = add(''); // filled below
  const pagesObj = add('');
  const font = add('');
  const cidFont = add('');
  const descriptor = add(
    `<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>`,
  );
  objects[font - 1] =
    `<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light-UniGB-UCS2-H /Encoding /UniGB-UCS2-H /DescendantFonts [${cidFont} 0 R] >>`;
  objects[cidFont - 1] =
    `<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor ${descriptor} 0 R /DW 1000 /W [1 95 500] >>`;
  const pageIds: number[] = [];
  for (const content of pages) {
    const stream = content.join('\n');
    const contentId = add(
      `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`,
    );
    pageIds.push(
      add(
        `<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 ${PAGE_W} ${PAGE_H}] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${contentId} 0 R >>`,
      ),
    );
  }
  objects[pagesObj - 1] =
    `<< /Type /Pages /Kids [${pageIds.map((p) => `${p} 0 R`).join(' ')}] /Count ${pageIds.length} >>`;
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObj} 0 R >>`;
  const info = add(`<< /Title <FEFF${hexUtf16(title)}> /Producer (liftwatch) >>`);

  let out = '%PDF-1.4\n%\xE2\xE3\xCF\xD3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R /Info ${info} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
