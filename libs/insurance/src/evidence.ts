import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { addMonths, businessDate } from '@liftwatch/calendar';
import { canonicalJson, MaintenanceRepository, RecordsService } from '@liftwatch/maintenance';
import { type PolicyRow } from './policies.service';
import { type SuggestedPayout, suggestEntrapmentPayout } from './payout';

export interface EvidenceAlarm {
  id: string;
  type: string;
  severity: string;
  status: string;
  firstSeenTs: string;
  lastSeenTs: string;
  conditionClearedTs: string | null;
  trappedSeconds: number | null;
  /** device-time moment the platform counts as notified; the rescue deadline runs from it */
  notifiedTs: string | null;
  rescueDeadline: string | null;
  /** when rescuers arrived, by the evidence that counts, and where that time comes from */
  arrivedAt: string | null;
  arrivalSource: string | null;
  /** arrivedAt − rescueDeadline, seconds: negative = in time */
  arrivalVsDeadlineSeconds: number | null;
  arrivals: Array<{ at: string; source: string; kind: string; recordedBy: string; reason: string | null }>;
  closedAt: string | null;
  timeline: Array<{ at: string; kind: string; actor: string | null; note: string | null }>;
}

export interface EvidenceBundle {
  version: 1;
  frozenAt: string;
  claim: {
    claimNumber: string;
    incidentAt: string;
    incidentType: string;
    peopleAffected: number;
    description: string;
  };
  policy: {
    id: string;
    policyNumber: string;
    insurerName: string;
    coverTypes: string[];
    startsOn: string;
    endsOn: string;
    cancelledOn: string | null;
    limits: Record<string, unknown>;
    deductibleFen: number;
    entrapmentTiers: Array<{ minMinutes: number; payoutFenPerPerson: number }>;
  };
  elevator: Record<string, unknown>;
  alarms: EvidenceAlarm[];
  /** the longest IoT-measured entrapment among the linked alarms, in device time */
  entrapment: {
    alarmId: string;
    startTs: string;
    releaseTs: string | null;
    trappedSeconds: number | null;
  } | null;
  telemetry: {
    from: string;
    to: string;
    samples: Array<Record<string, unknown>>;
    truncated: boolean;
    events: Array<Record<string, unknown>>;
  };
  maintenance: {
    since: string;
    records: Array<Record<string, unknown>>;
    chain: { valid: boolean; records: number; problems: unknown[] };
  };
  inspection: Record<string, unknown>;
  suggestedPayout: SuggestedPayout | null;
}

export const MAX_EVIDENCE_SAMPLES = 5000;

export function evidenceHash(canonical: string): string {
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Collects what the elevator itself says about an incident — alarm timelines, the telemetry
 * window, recent maintenance and its chain status, the inspection status on the incident day —
 * into one bundle. Once frozen (canonical JSON + SHA-256) it never changes.
 */
@Injectable()
export class EvidenceBuilder {
  constructor(
    private readonly repo: MaintenanceRepository,
    private readonly records: RecordsService,
  ) {}

  async build(input: {
    claimNumber: string;
    incidentAt: Date;
    incidentType: string;
    peopleAffected: number;
    description: string;
    elevatorId: string;
    alarmIds: string[];
    policy: PolicyRow;
  }): Promise<{ bundle: EvidenceBundle; canonical: string; hash: string }> {
    const { elevatorId } = input;
    const alarms = await this.alarms(input.alarmIds);
    const entrapments = alarms.filter((a) => a.type === 'entrapment');
    const longest =
      entrapments.sort((a, b) => (b.trappedSeconds ?? -1) - (a.trappedSeconds ?? -1))[0] ?? null;

    const windowFrom = longest
      ? new Date(new Date(longest.firstSeenTs).getTime() - 10 * 60_000)
      : new Date(input.incidentAt.getTime() - 30 * 60_000);
    const windowTo = longest?.conditionClearedTs
      ? new Date(new Date(longest.conditionClearedTs).getTime() + 10 * 60_000)
      : new Date(input.incidentAt.getTime() + 30 * 60_000);
    const samples = await this.repo.query<Record<string, unknown> & { ts: Date }>(
      `SELECT ts, seq, running, direction, floor, door_zone AS "doorZone", door_closed AS "doorClosed",
              passenger, mode, speed_mps AS "speedMps", load_kg AS "loadKg"
         FROM telemetry_status WHERE elevator_id = :elevatorId AND ts >= :from AND ts <= :to
        ORDER BY ts, seq LIMIT :limit`,
      { elevatorId, from: windowFrom, to: windowTo, limit: MAX_EVIDENCE_SAMPLES + 1 },
    );
    const events = await this.repo.query<Record<string, unknown> & { ts: Date }>(
      `SELECT ts, seq, code, state, detail FROM device_events
        WHERE elevator_id = :elevatorId AND ts >= :from AND ts <= :to ORDER BY ts, seq LIMIT :limit`,
      { elevatorId, from: windowFrom, to: windowTo, limit: MAX_EVIDENCE_SAMPLES },
    );

    const incidentDay = businessDate(input.incidentAt, this.repo.timeZone);
    const since = addMonths(incidentDay, -6);
    const records = await this.repo.query<Record<string, unknown>>(
      `SELECT r.id, r.seq, r.kind, r.level, r.arrived_at AS "arrivedAt", r.departed_at AS "departedAt", r.firm_id AS "firmId",
              r.hash, coalesce(fz.inspection_samples,
                (SELECT count(*) FROM telemetry_status t WHERE t.elevator_id = r.elevator_id AND t.mode = 2
                    AND t.ts >= r.arrived_at AND t.ts <= r.departed_at))::int AS "inspectionModeSamples"
         FROM maintenance_records r LEFT JOIN maintenance_record_iot fz ON fz.record_id = r.id
        WHERE r.elevator_id = :elevatorId AND r.arrived_at >= CAST(:since AS date) AND r.arrived_at <= :incidentAt
        ORDER BY r.seq`,
      { elevatorId, since, incidentAt: input.incidentAt },
    );
    const chain = await this.records.verifyElevator(elevatorId);
    const [elevatorRow] = await this.repo.elevators([elevatorId]);
    const inspection = elevatorRow
      ? (await this.repo.inspectionStatuses([elevatorRow], incidentDay, this.repo.ds, incidentDay)).get(
          elevatorId,
        )
      : undefined;
    const [snapshot] = await this.repo.query<Record<string, unknown>>(
      `SELECT e.id, e.registration_code AS "registrationCode", e.equipment_code AS "equipmentCode", e.model,
              mo.name AS manufacturer, e.commissioned_on::text AS "commissionedOn", b.community, b.name AS building,
              u.name AS unit, b.address, b.region_code AS "regionCode"
         FROM elevators e JOIN units u ON u.id = e.unit_id JOIN buildings b ON b.id = u.building_id
         LEFT JOIN organisations mo ON mo.id = e.manufacturer_id WHERE e.id = :elevatorId`,
      { elevatorId },
    );

    const policy = input.policy;
    const perIncident = (policy.limits as { perIncidentFen?: number }).perIncidentFen ?? null;
    const bundle: EvidenceBundle = {
      version: 1,
      frozenAt: this.repo.now().toISOString(),
      claim: {
        claimNumber: input.claimNumber,
        incidentAt: input.incidentAt.toISOString(),
        incidentType: input.incidentType,
        peopleAffected: input.peopleAffected,
        description: input.description,
      },
      policy: {
        id: policy.id,
        policyNumber: policy.policy_number,
        insurerName: policy.insurer_name,
        coverTypes: policy.cover_types,
        startsOn: policy.starts_on,
        endsOn: policy.ends_on,
        cancelledOn: policy.cancelled_on,
        limits: policy.limits as Record<string, unknown>,
        deductibleFen: Number(policy.deductible_fen),
        entrapmentTiers: policy.entrapment_tiers,
      },
      elevator: snapshot ?? { id: elevatorId },
      alarms,
      entrapment: longest
        ? {
            alarmId: longest.id,
            startTs: longest.firstSeenTs,
            releaseTs: longest.conditionClearedTs,
            trappedSeconds: longest.trappedSeconds,
          }
        : null,
      telemetry: {
        from: windowFrom.toISOString(),
        to: windowTo.toISOString(),
        samples: samples.slice(0, MAX_EVIDENCE_SAMPLES).map((s) => ({ ...s, ts: s.ts.toISOString() })),
        truncated: samples.length > MAX_EVIDENCE_SAMPLES,
        events: events.map((e) => ({ ...e, ts: e.ts.toISOString() })),
      },
      maintenance: {
        since,
        records: records.map((r) => ({
          ...r,
          arrivedAt: (r.arrivedAt as Date).toISOString(),
          departedAt: (r.departedAt as Date).toISOString(),
          iot: Number(r.inspectionModeSamples) > 0 ? 'verified' : 'unverified',
        })),
        chain: { valid: chain.valid, records: chain.records, problems: chain.problems },
      },
      inspection: inspection
        ? {
            asOf: incidentDay,
            policyCode: inspection.policyCode,
            state: inspection.state,
            next: inspection.next,
            lastPassing: inspection.lastPassing,
          }
        : { asOf: incidentDay, state: 'unknown' },
      suggestedPayout:
        longest?.trappedSeconds !== null && longest?.trappedSeconds !== undefined
          ? suggestEntrapmentPayout(
              policy.entrapment_tiers,
              longest.trappedSeconds,
              input.peopleAffected,
              perIncident,
            )
          : null,
    };
    // Round-trip through JSON so the stored text and the returned object are the same data.
    const canonical = canonicalJson(JSON.parse(JSON.stringify(bundle)) as unknown);
    return { bundle: JSON.parse(canonical) as EvidenceBundle, canonical, hash: evidenceHash(canonical) };
  }

  private async alarms(ids: string[]): Promise<EvidenceAlarm[]> {
    if (ids.length === 0) return [];
    const rows = await this.repo.query<{
      id: string;
      type: string;
      severity: string;
      status: string;
      first_seen_ts: Date;
      last_seen_ts: Date;
      condition_cleared_ts: Date | null;
      rescue_deadline: Date | null;
      notified_ts: Date | null;
      arrived_at: Date | null;
      arrival_source: string | null;
      closed_at: Date | null;
    }>(
      `SELECT id, type, severity, status, first_seen_ts, last_seen_ts, condition_cleared_ts, rescue_deadline,
              notified_ts, arrived_at, arrival_source, closed_at
         FROM alarms WHERE id IN (:...ids) ORDER BY first_seen_ts`,
      { ids },
    );
    const arrivals = await this.repo.query<{
      alarm_id: string;
      at: Date;
      source: string;
      kind: string;
      recorded_by_name: string;
      reason: string | null;
    }>(
      `SELECT alarm_id, at, source, kind, recorded_by_name, reason FROM alarm_arrivals
        WHERE alarm_id IN (:...ids) ORDER BY at, id`,
      { ids },
    );
    const timeline = await this.repo.query<{
      alarm_id: string;
      at: Date;
      kind: string;
      actor_username: string | null;
      note: string | null;
    }>(
      `SELECT alarm_id, at, kind, actor_username, note FROM alarm_timeline WHERE alarm_id IN (:...ids) ORDER BY id`,
      {
        ids,
      },
    );
    const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      severity: r.severity,
      status: r.status,
      firstSeenTs: r.first_seen_ts.toISOString(),
      lastSeenTs: r.last_seen_ts.toISOString(),
      conditionClearedTs: iso(r.condition_cleared_ts),
      trappedSeconds:
        r.type === 'entrapment' && r.condition_cleared_ts
          ? (r.condition_cleared_ts.getTime() - r.first_seen_ts.getTime()) / 1000
          : null,
      notifiedTs: iso(r.notified_ts),
      rescueDeadline: iso(r.rescue_deadline),
      arrivedAt: iso(r.arrived_at),
      arrivalSource: r.arrival_source,
      arrivalVsDeadlineSeconds:
        r.arrived_at && r.rescue_deadline
          ? Math.round((r.arrived_at.getTime() - r.rescue_deadline.getTime()) / 1000)
          : null,
      arrivals: arrivals
        .filter((a) => a.alarm_id === r.id)
        .map((a) => ({
          at: a.at.toISOString(),
          source: a.source,
          kind: a.kind,
          recordedBy: a.recorded_by_name,
          reason: a.reason,
        })),
      closedAt: iso(r.closed_at),
      timeline: timeline
        .filter((t) => t.alarm_id === r.id)
        .map((t) => ({ at: t.at.toISOString(), kind: t.kind, actor: t.actor_username, note: t.note })),
    }));
  }
}
