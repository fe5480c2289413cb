import { type Level } from '../plan/levels';

export class ElevatorRef {
  elevatorId!: string;
  registrationCode!: string;
  regionCode!: string;
  community!: string;
  building!: string;
  unit!: string;
  address!: string;
  firmId!: string | null;
  firmName!: string | null;
}

export class OverdueInspection extends ElevatorRef {
  state!: 'overdue' | 'failed';
  kind!: 'periodic' | 'self_test' | null;
  dueMonth!: string | null;
  lastPassingOn!: string | null;
}

export class OverdueMaintenance extends ElevatorRef {
  reason!: 'overdue' | 'no_contract';
  overdueLevels!: Level[];
  oldestDueOn!: string | null;
  daysOverdue!: number | null;
}

export class FirmCount {
  firmId!: string | null;
  firmName!: string;
  elevators!: number;
  overdueMaintenance!: number;
  overdueInspections!: number;
}

export class OverdueReport {
  regionCode!: string | null;
  asOf!: string;
  elevators!: number;
  inspections!: OverdueInspection[];
  maintenance!: OverdueMaintenance[];
  perFirm!: FirmCount[];
}
