import {
  defaultRescueArrivalLimitMin,
  isWithinRegion,
  parentRegionCode,
  regionLevel,
  regionScopePrefix,
} from './region-code.util';

describe('GB/T 2260 region codes', () => {
  it.each([
    ['440000', 'province', null, '44'],
    ['440100', 'prefecture', '440000', '4401'],
    ['440106', 'county', '440100', '440106'],
    ['110000', 'province', null, '11'],
    ['110101', 'county', '110100', '110101'],
    ['330100', 'prefecture', '330000', '3301'],
  ] as const)('%s should be a %s with parent %s and prefix %s', (code, level, parent, prefix) => {
    expect(regionLevel(code)).toBe(level);
    expect(parentRegionCode(code)).toBe(parent);
    expect(regionScopePrefix(code)).toBe(prefix);
  });

  it('should put a district inside its city and province but not inside a neighbouring city', () => {
    expect(isWithinRegion('440106', '440100')).toBe(true);
    expect(isWithinRegion('440106', '440000')).toBe(true);
    expect(isWithinRegion('440106', '440106')).toBe(true);
    expect(isWithinRegion('440306', '440100')).toBe(false);
    expect(isWithinRegion('330106', '440000')).toBe(false);
    expect(isWithinRegion('440100', '440106')).toBe(false);
  });
});

describe('default rescue arrival limit', () => {
  it.each([
    ['440100', 30],
    ['440106', 30],
    ['440183', 60],
    ['330122', 60],
    ['330000', 30],
  ])('%s should default to %i minutes', (code, minutes) => {
    expect(defaultRescueArrivalLimitMin(code)).toBe(minutes);
  });
});
