import { Injectable } from '@nestjs/common';
import { addMonths } from '@liftwatch/calendar';
import { MaintenanceRepository } from '../maintenance.repository';
import { type ChainReport } from '../records/record.dto';
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
  ) {}

  async forIncident(elevatorId: string, incidentAt: Date, incidentDay: string): Promise<MaintenanceEvidence> {
    const since = addMonths(incidentDay, -6);
    const records = await this.repo.query<
      Record<string, unknown> & { arrivedAt: Date; departedAt: Date; inspectionModeSamples: number }
    >(
      `SELECT r.id, r.seq, r.kind, r.level, r.arrived_at AS "arrivedAt", r.departed_at AS "departedAt", r.firm_id AS "firmId",
              r.hash, coalesce(fz.inspection_samples,
                (SELECT count(*) FROM telemetry_status t WHERE t.elevator_id = r.elevator_id AND t.mode = 2
                    AND t.ts >= r.arrived_at AND t.ts <= r.departed_at))::int AS "inspectionModeSamples"
         FROM maintenance_records r LEFT JOIN maintenance_record_iot fz ON fz.record_id = r.id
        WHERE r.elevator_id = :elevatorId AND r.arrived_at >= CAST(:since AS date) AND r.arrived_at <= :incidentAt
        ORDER BY r.seq`,
      { elevatorId, since, incidentAt },
    );
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
