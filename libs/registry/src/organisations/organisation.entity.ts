export const ORGANISATION_KINDS = [
  'maintenance_firm',
  'insurer',
  'manufacturer',
  'installer',
  'designer',
  'constructor',
] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/** Credit ratings of maintenance firms as published by market regulators, best first. */
export const CREDIT_RATINGS = ['A', 'B', 'C', 'D'] as const;
export type CreditRating = (typeof CREDIT_RATINGS)[number];

export class OrganisationEntity {
  id!: string;
  kind!: OrganisationKind;
  name!: string;
  uscc!: string | null;
  licenceNumber!: string | null;
  licenceValidUntil!: string | null;
  creditRating!: CreditRating | null;
  regionCode!: string | null;
  dutyPhone!: string | null;
  createdAt!: Date;
  updatedAt!: Date;
}
