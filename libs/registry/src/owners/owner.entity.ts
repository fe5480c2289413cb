/** 业主: a person (or legal person) owning one or more flats. */
export class OwnerEntity {
  id!: string;
  name!: string;
  phone!: string | null;
  createdAt!: Date;
  updatedAt!: Date;
}
