import { roleBindingProblems } from './role-binding.util';

describe(roleBindingProblems.name, () => {
  const org = '7f1c1a8e-1d7a-4a43-9d44-3e2d1f0f7a11';

  it.each([
    ['admin', {}],
    ['firm', { organisationId: org }],
    ['insurer', { organisationId: org }],
    ['owner', { ownerId: org }],
    ['agent', { unitId: org }],
    ['regulator', { regionCode: '440100' }],
  ] as const)('should accept role %s bound as required', (role, binding) => {
    expect(roleBindingProblems(role, binding)).toEqual([]);
  });

  it('should name the missing binding', () => {
    expect(roleBindingProblems('regulator', {})).toEqual([
      { field: 'regionCode', messages: ['regionCode is required for role regulator'] },
    ]);
  });

  it('should name every binding that does not belong to the role', () => {
    const problems = roleBindingProblems('admin', { organisationId: org, regionCode: '440100' });
    expect(problems.map((p) => p.field)).toEqual(['organisationId', 'regionCode']);
  });

  it('should refuse a firm user bound to a region instead of a firm', () => {
    expect(roleBindingProblems('firm', { regionCode: '440100' }).map((p) => p.field)).toEqual([
      'organisationId',
      'regionCode',
    ]);
  });
});
