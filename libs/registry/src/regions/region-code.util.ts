/**
 * GB/T 2260 administrative division codes: 2 digits province, 2 prefecture, 2 county.
 * `440000` Guangdong → `440100` Guangzhou → `440106` Tianhe District.
 */
export type RegionLevel = 'province' | 'prefecture' | 'county';

export const REGION_CODE = /^[0-9]{6}$/;

export function regionLevel(code: string): RegionLevel {
  if (code.endsWith('0000')) return 'province';
  if (code.endsWith('00')) return 'prefecture';
  return 'county';
}

/** The code one level up, or null for a province. */
export function parentRegionCode(code: string): string | null {
  switch (regionLevel(code)) {
    case 'province':
      return null;
    case 'prefecture':
      return `${code.slice(0, 2)}0000`;
    case 'county':
      return `${code.slice(0, 4)}00`;
  }
}

/**
 * The prefix shared by every code at or below `code`: a regulator bound to `440100` sees `4401%`.
 */
export function regionScopePrefix(code: string): string {
  switch (regionLevel(code)) {
    case 'province':
      return code.slice(0, 2);
    case 'prefecture':
      return code.slice(0, 4);
    case 'county':
      return code;
  }
}

export function isWithinRegion(code: string, scope: string): boolean {
  return code.startsWith(regionScopePrefix(scope));
}

/**
 * Default rescue arrival limit (TSG T5002-2017 art. 5: 30 min in cities at prefecture level and
 * above, 1 h elsewhere). In GB/T 2260 county-level codes 01–20 are city districts (市辖区) and
 * 21–99 counties and county-level cities, which get 60 min. Operators can override per region.
 */
export function defaultRescueArrivalLimitMin(code: string): number {
  if (regionLevel(code) !== 'county') return 30;
  return Number(code.slice(4, 6)) <= 20 ? 30 : 60;
}
