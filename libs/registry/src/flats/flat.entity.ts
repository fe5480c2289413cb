export class FlatEntity {
  id!: string;
  unitId!: string;
  number!: string;
  floor!: number;
  /** Exclusive floor area (专有部分面积) in m², as on the property certificate. */
  areaM2!: number;
  createdAt!: Date;
  updatedAt!: Date;
}

/** An ownership period of a flat: valid_from inclusive, valid_to exclusive, NULL = current. */
export class FlatOwnershipEntity {
  id!: string;
  flatId!: string;
  ownerId!: string;
  sharePercent!: number;
  validFrom!: string;
  validTo!: string | null;
  createdAt!: Date;
}
