export class BuildingEntity {
  id!: string;
  regionCode!: string;
  /** 小区: the residential community the building belongs to. */
  community!: string;
  /** 楼栋: building name or number within the community. */
  name!: string;
  address!: string;
  builtYear!: number | null;
  createdAt!: Date;
  updatedAt!: Date;
}

/** 单元: a stairwell of a building with its own flats — the usual scope of one retrofit elevator. */
export class UnitEntity {
  id!: string;
  buildingId!: string;
  name!: string;
  floorCount!: number;
  createdAt!: Date;
  updatedAt!: Date;
}
