import { regionScopePrefix } from '../regions/region-code.util';

/** 注册代码: exactly 20 letters or digits. Anything else is refused. */
export const REGISTRATION_CODE = /^[0-9A-Za-z]{20}$/;

/**
 * Elevator categories of the special-equipment catalogue (特种设备目录) that appear as the first four
 * digits of a registration code. Data, not logic: extend here when a region uses another code.
 */
export const ELEVATOR_CATEGORY_CODES: Readonly<Record<string, string>> = {
  '3110': 'traction passenger elevator (曳引驱动乘客电梯)',
  '3120': 'traction freight elevator (曳引驱动载货电梯)',
  '3130': 'positive-drive freight elevator (强制驱动载货电梯)',
  '3210': 'hydraulic passenger elevator (液压乘客电梯)',
  '3220': 'hydraulic freight elevator (液压载货电梯)',
  '3310': 'escalator (自动扶梯)',
  '3320': 'moving walk (自动人行道)',
  '3410': 'explosion-proof elevator (防爆电梯)',
  '3420': 'firefighter elevator (消防员电梯)',
  '3430': 'dumbwaiter (杂物电梯)',
};

export interface RegistrationCodeParts {
  category: string;
  regionCode: string;
  yearMonth: string;
  serial: string;
}

/**
 * Checks the common structure (category + GB/T 2260 region + YYYYMM + serial). Regions differ, so
 * the result is a list of notes for the user, never a refusal.
 */
export function registrationCodeNotes(
  code: string,
  currentYear: number,
  buildingRegionCode?: string,
): string[] {
  if (!/^[0-9]{20}$/.test(code)) {
    return ['does not follow the common all-digit structure (category + region + YYYYMM + serial)'];
  }
  const parts = splitRegistrationCode(code);
  const notes: string[] = [];
  if (!ELEVATOR_CATEGORY_CODES[parts.category]) {
    notes.push(`category ${parts.category} is not a known elevator category`);
  }
  const year = Number(parts.yearMonth.slice(0, 4));
  const month = Number(parts.yearMonth.slice(4, 6));
  if (month < 1 || month > 12 || year < 1980 || year > currentYear + 1) {
    notes.push(`registration month ${parts.yearMonth} is not a plausible YYYYMM`);
  }
  // The code carries the region where the elevator was registered: the building's county, or a
  // city or province above it. Anything else is worth a second look (a typo, or the wrong code).
  if (buildingRegionCode && !buildingRegionCode.startsWith(regionScopePrefix(parts.regionCode))) {
    notes.push(
      `region ${parts.regionCode} in the code is not the building's region ${buildingRegionCode} nor above it`,
    );
  }
  return notes;
}

export function splitRegistrationCode(code: string): RegistrationCodeParts {
  return {
    category: code.slice(0, 4),
    regionCode: code.slice(4, 10),
    yearMonth: code.slice(10, 16),
    serial: code.slice(16, 20),
  };
}
