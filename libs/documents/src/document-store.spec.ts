import { sniffContentType } from './document-store';

describe('document type sniffing', () => {
  it('should recognise the allowed types by their bytes', () => {
    expect(sniffContentType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toBe('image/jpeg');
    expect(sniffContentType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe(
      'image/png',
    );
    expect(sniffContentType(Buffer.from('%PDF-1.7\n'))).toBe('application/pdf');
    expect(sniffContentType(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffContentType(Buffer.from('\0\0\0\x18ftypmp42'))).toBe('video/mp4');
  });

  it('should refuse anything else, whatever its name says', () => {
    expect(sniffContentType(Buffer.from('MZ\x90\0'))).toBeNull();
    expect(sniffContentType(Buffer.from('<html>'))).toBeNull();
    expect(sniffContentType(Buffer.alloc(0))).toBeNull();
  });
});
