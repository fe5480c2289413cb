import { readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';

/**
 * Printable reports (statements, code sheets) as PDF with the Noto Sans SC font embedded and
 * subsetted (only the glyphs used), so Chinese reads the same on any machine — a viewer without
 * CJK fonts included. The font ships through npm (@expo-google-fonts/noto-sans-sc, OFL-1.1).
 */

let fonts: { regular: Buffer; bold: Buffer } | null = null;

function loadFonts(): { regular: Buffer; bold: Buffer } {
  fonts ??= {
    regular: readFileSync(
      require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'),
    ),
    bold: readFileSync(require.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf')),
  };
  return fonts;
}

export interface PdfColumn {
  header: string;
  /** share of the text width */
  width: number;
  align?: 'left' | 'right' | 'center';
}

export interface PdfReportOptions {
  title: string;
  author?: string;
  /** footer on every page, left of the page number */
  footer?: string;
  size?: 'A4' | 'A5';
}

const INK = '#1f2329';
const MUTED = '#646a73';
const RULE = '#dee0e3';
const ZEBRA = '#f5f6f7';
const ACCENT = '#1456f0';

/** A4 report builder: headings, key–value blocks, paragraphs, tables with wrapped cells. */
export class PdfReport {
  readonly doc: PDFKit.PDFDocument;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;

  constructor(private readonly o: PdfReportOptions) {
    const f = loadFonts();
    this.doc = new PDFDocument({
      size: o.size ?? 'A4',
      margins: { top: 48, bottom: 56, left: 48, right: 48 },
      bufferPages: true,
      info: { Title: o.title, Author: o.author ?? 'liftwatch', Producer: 'liftwatch' },
      lang: 'zh-CN',
      displayTitle: true,
    });
    this.doc.registerFont('regular', f.regular);
    this.doc.registerFont('bold', f.bold);
    this.doc.font('regular').fillColor(INK);
    this.done = new Promise((resolve, reject) => {
      this.doc.on('data', (c: Buffer) => this.chunks.push(c));
      this.doc.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.doc.on('error', reject);
    });
  }

  private get left(): number {
    return this.doc.page.margins.left;
  }

  private get width(): number {
    return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }

  private get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  private ensure(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  title(text: string, subtitle?: string): this {
    this.doc
      .font('bold')
      .fontSize(18)
      .fillColor(INK)
      .text(text, this.left, this.doc.y, { width: this.width });
    if (subtitle)
      this.doc.font('regular').fontSize(10).fillColor(MUTED).text(subtitle, { width: this.width });
    this.doc.moveDown(0.6);
    this.rule();
    return this;
  }

  heading(text: string): this {
    this.ensure(40);
    this.doc.moveDown(0.8);
    this.doc
      .font('bold')
      .fontSize(12)
      .fillColor(INK)
      .text(text, this.left, this.doc.y, { width: this.width });
    this.doc.moveDown(0.3);
    return this;
  }

  paragraph(text: string, opts: { muted?: boolean; size?: number } = {}): this {
    this.doc
      .font('regular')
      .fontSize(opts.size ?? 10)
      .fillColor(opts.muted ? MUTED : INK)
      .text(text, this.left, this.doc.y, { width: this.width, lineGap: 2 });
    return this;
  }

  /** Label–value pairs in two columns. */
  keyValues(pairs: ReadonlyArray<readonly [string, string]>): this {
    const labelW = Math.min(120, this.width * 0.28);
    for (const [k, v] of pairs) {
      this.doc.font('regular').fontSize(10);
      const h = Math.max(
        this.doc.heightOfString(k, { width: labelW - 8 }),
        this.doc.heightOfString(v, { width: this.width - labelW }),
      );
      this.ensure(h + 4);
      const y = this.doc.y;
      this.doc.fillColor(MUTED).text(k, this.left, y, { width: labelW - 8 });
      this.doc.fillColor(INK).text(v, this.left + labelW, y, { width: this.width - labelW });
      this.doc.y = y + h + 4;
    }
    return this;
  }

  /** A highlighted line, e.g. the amount an owner pays. */
  callout(label: string, value: string): this {
    this.ensure(44);
    const y = this.doc.y + 6;
    this.doc.save().roundedRect(this.left, y, this.width, 34, 4).fill('#eef3fe').restore();
    this.doc
      .font('regular')
      .fontSize(11)
      .fillColor(INK)
      .text(label, this.left + 12, y + 10, { width: this.width / 2 });
    this.doc
      .font('bold')
      .fontSize(14)
      .fillColor(ACCENT)
      .text(value, this.left + this.width / 2, y + 8, { width: this.width / 2 - 12, align: 'right' });
    this.doc.fillColor(INK);
    this.doc.y = y + 42;
    return this;
  }

  /** A table whose cells wrap; the header repeats on each new page; `strong` rows are bold. */
  table(
    columns: readonly PdfColumn[],
    rows: ReadonlyArray<readonly string[]>,
    strong: ReadonlySet<number> = new Set(),
  ): this {
    const total = columns.reduce((a, c) => a + c.width, 0);
    const widths = columns.map((c) => (c.width / total) * this.width);
    const pad = 4;
    const drawRow = (
      cells: readonly string[],
      o: { header?: boolean; bold?: boolean; zebra?: boolean },
    ): void => {
      this.doc.font(o.header || o.bold ? 'bold' : 'regular').fontSize(o.header ? 9 : 9.5);
      const h =
        Math.max(
          ...cells.map((c, i) => this.doc.heightOfString(c || ' ', { width: (widths[i] ?? 0) - pad * 2 })),
        ) +
        pad * 2;
      if (this.doc.y + h > this.bottom) {
        this.doc.addPage();
        if (!o.header)
          drawRow(
            columns.map((c) => c.header),
            { header: true },
          );
        this.doc.font(o.header || o.bold ? 'bold' : 'regular').fontSize(o.header ? 9 : 9.5);
      }
      const y = this.doc.y;
      if (o.header || o.zebra) {
        this.doc
          .save()
          .rect(this.left, y, this.width, h)
          .fill(o.header ? '#eceef1' : ZEBRA)
          .restore();
      }
      let x = this.left;
      cells.forEach((c, i) => {
        this.doc.fillColor(o.header ? MUTED : INK).text(c, x + pad, y + pad, {
          width: (widths[i] ?? 0) - pad * 2,
          align: columns[i]?.align ?? 'left',
        });
        x += widths[i] ?? 0;
      });
      this.doc.y = y + h;
      this.doc
        .save()
        .moveTo(this.left, this.doc.y)
        .lineTo(this.left + this.width, this.doc.y)
        .lineWidth(0.5)
        .stroke(RULE)
        .restore();
    };
    this.ensure(40);
    drawRow(
      columns.map((c) => c.header),
      { header: true },
    );
    rows.forEach((r, i) => drawRow(r, { bold: strong.has(i), zebra: i % 2 === 1 }));
    this.doc.x = this.left;
    return this;
  }

  rule(): this {
    this.doc
      .save()
      .moveTo(this.left, this.doc.y)
      .lineTo(this.left + this.width, this.doc.y)
      .lineWidth(0.8)
      .stroke(RULE)
      .restore();
    this.doc.moveDown(0.4);
    return this;
  }

  space(lines = 1): this {
    this.doc.moveDown(lines);
    return this;
  }

  /** Page footers ("title · 1/2"), then the finished file. */
  finish(): Promise<Buffer> {
    const range = this.doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      this.doc.switchToPage(i);
      const bottom = this.doc.page.height - this.doc.page.margins.bottom + 20;
      const saved = this.doc.page.margins.bottom;
      this.doc.page.margins.bottom = 0; // writing into the margin must not open a new page
      this.doc
        .font('regular')
        .fontSize(8)
        .fillColor(MUTED)
        .text(`${this.o.footer ?? this.o.title}`, this.left, bottom, {
          width: this.width * 0.8,
          lineBreak: false,
        })
        .text(`${i - range.start + 1} / ${range.count}`, this.left + this.width * 0.8, bottom, {
          width: this.width * 0.2,
          align: 'right',
          lineBreak: false,
        });
      this.doc.page.margins.bottom = saved;
    }
    this.doc.end();
    return this.done;
  }
}
