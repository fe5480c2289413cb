import { maskPhone, ownershipShareProblems } from './ownership-shares.util';

describe(ownershipShareProblems.name, () => {
  it('should accept a sole owner with 100 %', () => {
    expect(ownershipShareProblems([{ name: '王芳', sharePercent: 100 }])).toEqual([]);
  });

  it('should accept thirds written to two decimals', () => {
    expect(
      ownershipShareProblems([
        { name: 'a', sharePercent: 33.33 },
        { name: 'b', sharePercent: 33.33 },
        { name: 'c', sharePercent: 33.34 },
      ]),
    ).toEqual([]);
  });

  it('should accept shares whose float sum is not exactly 100', () => {
    // 0.1 + 0.2 style drift must not matter: 70.1 + 29.9 is 100 in hundredths.
    expect(
      ownershipShareProblems([
        { name: 'a', sharePercent: 70.1 },
        { name: 'b', sharePercent: 29.9 },
      ]),
    ).toEqual([]);
  });

  it('should say by how much the shares miss 100 %', () => {
    expect(
      ownershipShareProblems([
        { name: 'a', sharePercent: 50 },
        { name: 'b', sharePercent: 49.99 },
      ]),
    ).toEqual([{ field: 'owners', messages: ['shares add up to 99.99 %, not 100 %'] }]);
  });

  it('should refuse an entry with both or neither of ownerId and name', () => {
    const problems = ownershipShareProblems([
      { ownerId: 'x', name: 'y', sharePercent: 50 },
      { sharePercent: 50 },
    ]);
    expect(problems.map((p) => p.field)).toEqual(['owners.0', 'owners.1']);
  });

  it('should refuse the same owner twice', () => {
    const problems = ownershipShareProblems([
      { ownerId: 'x', sharePercent: 50 },
      { ownerId: 'x', sharePercent: 50 },
    ]);
    expect(problems).toEqual([{ field: 'owners.1.ownerId', messages: ['owner listed twice'] }]);
  });

  it('should refuse an empty owner list', () => {
    expect(ownershipShareProblems([])[0]?.field).toBe('owners');
  });
});

describe(maskPhone.name, () => {
  it.each([
    ['13812345678', '138****5678'],
    ['020-87654321', '020****4321'],
    ['123', '****'],
    [null, null],
  ])('%p should mask to %p', (input, expected) => {
    expect(maskPhone(input)).toBe(expected);
  });
});
