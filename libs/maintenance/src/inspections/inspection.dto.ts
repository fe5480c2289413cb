import {
  type InspectionKind,
  type InspectionResult,
  type InspectionState,
  type InspectionStatus,
  type Obligation,
  type ObligationKind,
} from './inspection-schedule';
export class InspectionView {
  id!: string;
  elevatorId!: string;
  kind!: InspectionKind;
  inspectedOn!: string;
  result!: InspectionResult;
  nextDueMonth!: string | null;
  reportNumber!: string;
  certificateNumber!: string | null;
  inspectorOrganisation!: string;
  feeFen!: number | null;
  supersedesId!: string | null;
  remarks!: string | null;
  recordedAt!: string;
  recordedBy!: string;
}

export class ObligationView implements Obligation {
  /** year of service (1 = the first year after the installation inspection) */
  year!: number;
  kind!: ObligationKind;
  /** the month the inspection or self-test is due (YYYY-MM) */
  dueMonth!: string;
  /** the report that satisfied it */
  satisfiedBy!: string | null;
}

export class NextObligationView extends ObligationView {
  /** the owner must apply at least one month before the certificate's validity ends */
  applyBy!: string;
}

export class LastPassingView {
  id!: string;
  kind!: InspectionKind;
  inspectedOn!: string;
}

/** An elevator against its region's inspection policy (TSG T7001-2023 cycle by default). */
export class InspectionStatusView implements InspectionStatus {
  elevatorId!: string;
  policyCode!: string | null;
  baseMonth!: string | null;
  state!: InspectionState;
  next!: NextObligationView | null;
  lastPassing!: LastPassingView | null;
  schedule!: ObligationView[];
}
