import QRCode from 'qrcode';
import { PdfReport } from '@liftwatch/documents';

export interface CodeSheetInput {
  url: string;
  registrationCode: string;
  rescueCode: string | null;
  place: string;
  emergencyHotline: string;
  firm: string | null;
  firmPhone: string | null;
}

/**
 * The sheet for the car wall (一梯一码), A5: the QR code of the elevator's public page, its
 * registration and rescue codes, the emergency hotline and the maintenance firm — large enough to
 * read and scan from a step away.
 */
export async function codeSheetPdf(s: CodeSheetInput): Promise<Buffer> {
  const qr = await QRCode.toBuffer(s.url, { errorCorrectionLevel: 'M', margin: 1, width: 600 });
  const r = new PdfReport({ title: `电梯信息 一梯一码 ${s.registrationCode}`, size: 'A5', footer: s.url });
  const doc = r.doc;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const left = doc.page.margins.left;
  r.title(
    '电梯信息 · 一梯一码',
    "Scan for this elevator's maintenance, inspection and insurance, or to report a problem",
  );
  const size = 170;
  doc.image(qr, left + (width - size) / 2, doc.y + 2, { width: size, height: size });
  doc.y += size + 8;
  doc.font('regular').fontSize(9).fillColor('#646a73').text('电梯注册代码 Registration code', left, doc.y, {
    width,
    align: 'center',
  });
  doc
    .font('bold')
    .fontSize(16)
    .fillColor('#1f2329')
    .text(s.registrationCode, left, doc.y + 2, {
      width,
      align: 'center',
      characterSpacing: 1,
    });
  doc.moveDown(0.3);
  r.callout('被困请拨打 If trapped, call', s.emergencyHotline);
  if (s.rescueCode) r.callout('救援识别码 Rescue code', s.rescueCode);
  r.keyValues([
    ['位置 Place', s.place],
    ['维保单位 Firm', [s.firm ?? '—', s.firmPhone].filter(Boolean).join('  ')],
  ]);
  r.paragraph(
    '请保持冷静，按轿厢内的报警按钮，不要扒门。Stay calm, press the alarm button, do not force the doors.',
    {
      muted: true,
      size: 8,
    },
  );
  return r.finish();
}
