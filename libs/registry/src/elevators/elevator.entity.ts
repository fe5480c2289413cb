export const ELEVATOR_STATUSES = ['in_service', 'out_of_service', 'decommissioned'] as const;
export type ElevatorStatus = (typeof ELEVATOR_STATUSES)[number];

export class ElevatorEntity {
  id!: string;
  unitId!: string;
  /** 注册代码 */
  registrationCode!: string;
  /** 设备代码 (manufacturer's equipment code) */
  equipmentCode!: string | null;
  /** 使用登记证编号 */
  useCertificateNo!: string | null;
  /** Rescue identification code on the sign in the car (city emergency platform). */
  rescueCode!: string | null;
  manufacturerId!: string | null;
  installerId!: string | null;
  model!: string | null;
  commissionedOn!: string | null;
  servedFloors!: number[];
  ratedLoadKg!: number | null;
  ratedSpeedMps!: number | null;
  ratedPowerKw!: number | null;
  status!: ElevatorStatus;
  createdAt!: Date;
  updatedAt!: Date;
}

export const ASSIGNMENT_KINDS = ['maintenance', 'insurance'] as const;
export type AssignmentKind = (typeof ASSIGNMENT_KINDS)[number];

/** Which maintenance firm or insurer serves an elevator over a period (valid_to exclusive). */
export class ElevatorAssignmentEntity {
  id!: string;
  elevatorId!: string;
  organisationId!: string;
  kind!: AssignmentKind;
  validFrom!: string;
  validTo!: string | null;
  createdAt!: Date;
}
