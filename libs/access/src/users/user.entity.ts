import { type Role } from '../auth/principal';

export class UserEntity {
  id!: string;
  username!: string;
  passwordHash!: string;
  displayName!: string;
  role!: Role;
  organisationId!: string | null;
  ownerId!: string | null;
  unitId!: string | null;
  regionCode!: string | null;
  /** technicians: special-equipment operator certificate (特种设备作业人员证) */
  certificateNumber!: string | null;
  phone!: string | null;
  locale!: 'zh-CN' | 'en';
  disabledAt!: Date | null;
  createdAt!: Date;
  updatedAt!: Date;
}
