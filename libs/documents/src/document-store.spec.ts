import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sniffContentType } from './document-store';

/** 2 × 3 pixel images as a browser encodes them. */
const fixture = (name: string): Buffer => readFileSync(join(__dirname, 'fixtures', name));

describe('document type sniffing', () => {
  it('should recognise the allowed types by their bytes, reading images to their dimensions', () => {
    expect(sniffContentType(fixture('tiny.jpg'))).toBe('image/jpeg');
    expect(sniffContentType(fixture('tiny.png'))).toBe('image/png');
    expect(sniffContentType(fixture('tiny.webp'))).toBe('image/webp');
    expect(sniffContentType(Buffer.from('%PDF-1.7\n'))).toBe('application/pdf');
    expect(sniffContentType(Buffer.from('\0\0\0\x18ftypmp42'))).toBe('video/mp4');
  });

  it('should refuse an image magic number followed by something else (HTML under a JPEG header)', () => {
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    expect(sniffContentType(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]), html]))).toBeNull();
    expect(sniffContentType(Buffer.concat([fixture('tiny.png').subarray(0, 8), html]))).toBeNull();
    expect(sniffContentType(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBeNull();
    // a real image cut short before its dimensions
    expect(sniffContentType(fixture('tiny.jpg').subarray(0, 20))).toBeNull();
  });

  it('should refuse anything else, whatever its name says', () => {
    expect(sniffContentType(Buffer.from('MZ\x90\0'))).toBeNull();
    expect(sniffContentType(Buffer.from('<html>'))).toBeNull();
    expect(sniffContentType(Buffer.alloc(0))).toBeNull();
  });
});
