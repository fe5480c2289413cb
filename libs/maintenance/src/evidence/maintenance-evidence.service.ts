import { Injectable } from '@nestjs/common';
import { addMonths } from '@liftwatch/calendar';
import { MaintenanceRepository } from '../maintenance.repository';
import { type ChainReport } from '../records/record.dto';
import { RecordRepository } from '../records/record.repository';
import { RecordsService } from '../records/records.service';

/** What maintenance can say about an elevator at the time of an incident (a claim's evidence). */
export interface MaintenanceEvidence {
  /** first day of the six months looked at */
  since: string;
  /** visits in those months up to the incident, each with its inspection-mode telemetry count */
  records: Array<
    Record<string, unknown> & { arrivedAt: Date; departedAt: Date; inspectionModeSamples: number }
  >;
  chain: ChainReport;
  /** the periodic-inspection status as it stood on the incident day (reports known by then) */
  inspection: {
    policyCode: string | null;
    state: string;
    next: unknown;
    lastPassing: unknown;
  } | null;
}

/**
 * Maintenance's public answer for insurance evidence: the visits before an incident, whether their
 * hash chain holds, and the inspection status on the day — so insurance needs no maintenance SQL.
 */
@Injectable()
export class MaintenanceEvidenceService {
  constructor(
    private readonly repo: MaintenanceRepository,
    private readonly records: RecordsService,
    private readonly recordRows: RecordRepository,
  ) {}

  async forIncident(elevatorId: string, incidentAt: Date, incidentDay: string): Promise<MaintenanceEvidence> {
    const since = addMonths(incidentDay, -6);
    const records = await this.recordRows.visitsBetween(elevatorId, since, incidentAt);
    const chain = await this.records.verifyElevator(elevatorId);
    const [elevator] = await this.repo.elevators([elevatorId]);
    const status = elevator
      ? (await this.repo.inspectionStatuses([elevator], incidentDay, this.repo.ds, incidentDay)).get(
          elevatorId,
        )
      : undefined;
    return {
      since,
      records,
      chain,
      inspection: status
        ? {
            policyCode: status.policyCode,
            state: status.state,
            next: status.next,
            lastPassing: status.lastPassing,
          }
        : null,
    };
  }
}
