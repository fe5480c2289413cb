import { type Level } from './levels';
import { type DueStatus, type LevelDue, type PlannedVisit } from './maintenance-plan';

export class PlanContract {
  id!: string;
  contractNumber!: string;
  firmId!: string;
  firmName!: string;
}

export class LevelDueView implements LevelDue {
  level!: Level;
  /** last visit covering this level (a visit of a higher level counts) */
  lastDoneOn!: string | null;
  /** the last day this level may be done without being overdue */
  dueOn!: string;
  /** negative when overdue */
  daysLeft!: number;
  status!: DueStatus;
}

export class PlannedVisitView implements PlannedVisit {
  date!: string;
  level!: Level;
  /** true when the visit is already late on the day it is planned for */
  overdue!: boolean;
}

export class ElevatorPlan {
  elevatorId!: string;
  registrationCode!: string;
  /** null: no maintenance contract covers the elevator today — itself a finding */
  contract!: PlanContract | null;
  policyCode!: string | null;
  levels!: LevelDueView[];
  overdueLevels!: Level[];
  nextDueOn!: string | null;
  planned!: PlannedVisitView[];
}
