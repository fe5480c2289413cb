import { Foundation1764000000000 } from './1764000000000-foundation';
import { Telemetry1764100000000 } from './1764100000000-telemetry';
import { Alarms1764200000000 } from './1764200000000-alarms';
import { Webhooks1764300000000 } from './1764300000000-webhooks';
import { Maintenance1764400000000 } from './1764400000000-maintenance';
import { Insurance1764500000000 } from './1764500000000-insurance';
import { Costs1764600000000 } from './1764600000000-costs';
import { RecordIot1764700000000 } from './1764700000000-record-iot';
import { JobLeases1764800000000 } from './1764800000000-job-leases';
import { RescueEvidence1764900000000 } from './1764900000000-rescue-evidence';
import { StatementDocuments1765000000000 } from './1765000000000-statement-documents';
import { PublicReports1765100000000 } from './1765100000000-public-reports';
import { VisitPhotos1765200000000 } from './1765200000000-visit-photos';
import { RescueSafety1765300000000 } from './1765300000000-rescue-safety';
import { MeterAnomalies1765400000000 } from './1765400000000-meter-anomalies';
import { OwnerNotices1765500000000 } from './1765500000000-owner-notices';
import { EvidenceVersions1765600000000 } from './1765600000000-evidence-versions';
import { BallotDates1765700000000 } from './1765700000000-ballot-dates';
import { LoginThrottle1765800000000 } from './1765800000000-login-throttle';
import { VisitSafety1765900000000 } from './1765900000000-visit-safety';

/** Every migration, in order. Listed explicitly so source (jest) and compiled runs see the same set. */
export const MIGRATIONS = [
  Foundation1764000000000,
  Telemetry1764100000000,
  Alarms1764200000000,
  Webhooks1764300000000,
  Maintenance1764400000000,
  Insurance1764500000000,
  Costs1764600000000,
  RecordIot1764700000000,
  JobLeases1764800000000,
  RescueEvidence1764900000000,
  StatementDocuments1765000000000,
  PublicReports1765100000000,
  VisitPhotos1765200000000,
  RescueSafety1765300000000,
  MeterAnomalies1765400000000,
  OwnerNotices1765500000000,
  EvidenceVersions1765600000000,
  BallotDates1765700000000,
  LoginThrottle1765800000000,
  VisitSafety1765900000000,
];
