import { plainToInstance } from 'class-transformer';
import { IsBoolean, IsOptional, validateSync } from 'class-validator';
import { parseQueryBoolean, QueryBoolean } from './query-boolean';

class Q {
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  flag?: boolean;
}

describe('QueryBoolean', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['false', false],
    ['False', false],
    ['0', false],
  ])('should read %p as %p', (raw, want) => {
    const q = plainToInstance(Q, { flag: raw });
    expect(q.flag).toBe(want);
    expect(validateSync(q)).toHaveLength(0);
  });

  it('should leave other text for the validator to refuse', () => {
    const q = plainToInstance(Q, { flag: 'yes' });
    expect(q.flag).toBe('yes');
    expect(validateSync(q)[0]?.constraints).toHaveProperty('isBoolean');
    expect(parseQueryBoolean(['true'])).toEqual(['true']);
  });

  it('should leave an absent parameter absent', () => {
    expect(plainToInstance(Q, {}).flag).toBeUndefined();
  });
});
