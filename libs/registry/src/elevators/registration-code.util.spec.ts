import { REGISTRATION_CODE, registrationCodeNotes, splitRegistrationCode } from './registration-code.util';

describe('registration code (注册代码)', () => {
  it.each([
    ['31106401052014080025', true],
    ['3110640105201408002A', true],
    ['3110640105201408002', false],
    ['311064010520140800255', false],
    ['3110-640105201408002', false],
    ['3110 640105201408002', false],
    ['', false],
  ])('%p should be accepted: %p', (code, ok) => {
    expect(REGISTRATION_CODE.test(code)).toBe(ok);
  });

  it('should split the common structure', () => {
    expect(splitRegistrationCode('31106401052014080025')).toEqual({
      category: '3110',
      regionCode: '640105',
      yearMonth: '201408',
      serial: '0025',
    });
  });

  it('should have no notes for the domain example', () => {
    expect(registrationCodeNotes('31106401052014080025', 2026)).toEqual([]);
  });

  it('should note an unknown category and an impossible month without refusing', () => {
    expect(registrationCodeNotes('99996401052014130025', 2026)).toEqual([
      'category 9999 is not a known elevator category',
      'registration month 201413 is not a plausible YYYYMM',
    ]);
  });

  it('should note a future registration year', () => {
    expect(registrationCodeNotes('31106401052031010025', 2026)).toEqual([
      'registration month 203101 is not a plausible YYYYMM',
    ]);
  });

  it('should note a code with letters as non-standard', () => {
    expect(registrationCodeNotes('3110640105201408002A', 2026)).toHaveLength(1);
  });

  it.each([
    ['the building’s own county', '31104401062021060025', '440106', 0],
    ['the city above it', '31104401002021060025', '440106', 0],
    ['the province above it', '31104400002021060025', '440106', 0],
    ['another city of the province', '31104403002021060025', '440106', 1],
    ['another province', '31103301062021060025', '440106', 1],
  ])(
    'should note a code registered in %s only when it is not the building’s region or above',
    (_n, code, region, n) => {
      const notes = registrationCodeNotes(code, 2026, region);
      expect(notes).toHaveLength(n);
      if (n) expect(notes[0]).toContain(`building's region ${region}`);
    },
  );
});
