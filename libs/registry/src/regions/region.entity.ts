import { type RegionLevel } from './region-code.util';

export class RegionEntity {
  code!: string;
  name!: string;
  nameEn!: string | null;
  level!: RegionLevel;
  parentCode!: string | null;
  rescueArrivalLimitMin!: number;
  createdAt!: Date;
  updatedAt!: Date;
}
