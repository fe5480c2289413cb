import { csvField, toCsv } from './csv';

describe('csv', () => {
  it('should quote commas, quotes and line breaks', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(12)).toBe('12');
  });

  it('should defuse formula injection', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-1')).toBe("'-1");
  });

  it('should write a BOM, a header and CRLF rows', () => {
    expect(toCsv(['a', 'b'], [[1, '广州']])).toBe('\uFEFFa,b\r\n1,广州\r\n');
  });
});
