import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { businessDate, Clock } from '@liftwatch/calendar';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { canonicalJson } from '@liftwatch/contract';
import { MaintenanceEvidenceService } from '@liftwatch/maintenance';
import { EvidenceRepository } from './evidence.repository';
import { type PolicyRow } from './policy.repository';
import { type SuggestedPayout, suggestEntrapmentPayout } from './payout';
import { chooseIncidentAlarm, INCIDENT_TOLERANCE_MS, type IncidentMatch } from './incident-alarm';

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
  /**
   * Which alarm is the incident: chosen by the rule (incident-alarm.ts) from the stated time, or
   * named by the claimant or the handler (with their reason) — never the longest or the latest.
   */
  incident: {
    alarmId: string | null;
    match: IncidentMatch | 'named' | null;
    chosenBy: 'platform' | 'claimant' | 'handler';
    toleranceMinutes: number;
    reason: string | null;
  };
  /** the incident's alarm (none when no alarm matches the stated time) */
  alarms: EvidenceAlarm[];
  /** other alarms of the elevator in the window, listed apart: not this incident */
  otherAlarms: EvidenceAlarm[];
  /** the incident's entrapment as the elevator measured it, in device time */
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
    private readonly repo: EvidenceRepository,
    private readonly maintenance: MaintenanceEvidenceService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async build(input: {
    claimNumber: string;
    incidentAt: Date;
    incidentType: string;
    peopleAffected: number;
    description: string;
    elevatorId: string;
    /** the alarms of the window (the incident's among them) */
    alarmIds: string[];
    /** the alarm someone named as the incident, with who and why */
    named?: { alarmId: string; by: 'claimant' | 'handler'; reason: string | null };
    policy: PolicyRow;
  }): Promise<{ bundle: EvidenceBundle; canonical: string; hash: string }> {
    const { elevatorId } = input;
    const frozenAt = this.clock.now();
    const all = await this.alarms([
      ...new Set([...input.alarmIds, ...(input.named ? [input.named.alarmId] : [])]),
    ]);
    const choice = input.named
      ? { alarmId: input.named.alarmId, match: 'named' as const }
      : chooseIncidentAlarm(
          all.map((a) => ({
            id: a.id,
            type: a.type,
            start: Date.parse(a.firstSeenTs),
            end: a.conditionClearedTs ? Date.parse(a.conditionClearedTs) : null,
          })),
          input.incidentAt.getTime(),
          input.incidentType,
        );
    const incidentAlarm = all.find((a) => a.id === choice.alarmId) ?? null;
    const longest = incidentAlarm?.type === 'entrapment' ? incidentAlarm : null;

    const windowFrom = longest
      ? new Date(new Date(longest.firstSeenTs).getTime() - 10 * 60_000)
      : new Date(input.incidentAt.getTime() - 30 * 60_000);
    const windowTo = longest?.conditionClearedTs
      ? new Date(new Date(longest.conditionClearedTs).getTime() + 10 * 60_000)
      : new Date(input.incidentAt.getTime() + 30 * 60_000);
    // what the platform had at the freeze: received before it, stamped no later than it (plus the
    // device clock skew the ingest accepts)
    const frozenBound = {
      receivedBy: frozenAt,
      stampedBy: new Date(frozenAt.getTime() + this.config.telemetry.futureToleranceS * 1000),
    };
    const samples = await this.repo.samples(
      elevatorId,
      windowFrom,
      windowTo,
      MAX_EVIDENCE_SAMPLES + 1,
      frozenBound,
    );
    const events = await this.repo.events(
      elevatorId,
      windowFrom,
      windowTo,
      MAX_EVIDENCE_SAMPLES,
      frozenBound,
    );
    const incidentDay = businessDate(input.incidentAt, this.config.businessTimeZone);
    const maintenance = await this.maintenance.forIncident(elevatorId, input.incidentAt, incidentDay);
    const snapshot = await this.repo.elevatorSnapshot(elevatorId);

    const policy = input.policy;
    const perIncident = (policy.limits as { perIncidentFen?: number }).perIncidentFen ?? null;
    const bundle: EvidenceBundle = {
      version: 1,
      frozenAt: frozenAt.toISOString(),
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
      incident: {
        alarmId: incidentAlarm?.id ?? null,
        match: incidentAlarm ? choice.match : null,
        chosenBy: input.named?.by ?? 'platform',
        toleranceMinutes: INCIDENT_TOLERANCE_MS / 60_000,
        reason: input.named?.reason ?? null,
      },
      alarms: incidentAlarm ? [incidentAlarm] : [],
      otherAlarms: all
        .filter((a) => a.id !== incidentAlarm?.id)
        .sort((a, b) => a.firstSeenTs.localeCompare(b.firstSeenTs)),
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
        since: maintenance.since,
        records: maintenance.records.map((r) => ({
          ...r,
          arrivedAt: r.arrivedAt.toISOString(),
          departedAt: r.departedAt.toISOString(),
          iot: Number(r.inspectionModeSamples) > 0 ? 'verified' : 'unverified',
        })),
        chain: {
          valid: maintenance.chain.valid,
          records: maintenance.chain.records,
          problems: maintenance.chain.problems,
        },
      },
      inspection: maintenance.inspection
        ? { asOf: incidentDay, ...maintenance.inspection }
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
    const { rows, arrivals, timeline } = await this.repo.alarms(ids);
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
