import { Injectable } from '@nestjs/common';
import { type Db } from '@liftwatch/database';
import { AlarmRepository, type AlarmRow } from '../alarm.repository';
import { alarmTypeInfo, type AlarmTypeInfo } from '../alarm-types';
import { type ReportChannel, RescueRepository } from './rescue.repository';

const ENTRAPMENT = alarmTypeInfo('entrapment') as AlarmTypeInfo;
const PASSENGER_REPORT = alarmTypeInfo('passenger_report') as AlarmTypeInfo;

export interface IncidentReport {
  elevatorId: string;
  channel: ReportChannel;
  /** trapped, stopped, door, noise, other */
  kind: string;
  /** when the report was made (a phone call: when the caller rang) */
  at: Date;
  text: string | null;
  callbackPhone: string | null;
  recordedBy: string | null;
  recordedByName: string;
}

/**
 * Every way of learning of an entrapment starts the clock: a passenger's "有人被困" on the car's
 * page, the car's alarm button, a call the dispatcher records. Each opens the elevator's
 * entrapment (rescue deadline from the report's time) or joins the one already open — one incident,
 * the earliest report starting the clock (AlarmRepository.report takes the least notification
 * time). Other passenger reports open the passenger-report alarm. The report itself, with what was
 * said and the number to call back, is kept on the incident (`alarm_reports`).
 */
@Injectable()
export class IncidentReporter {
  constructor(
    private readonly alarms: AlarmRepository,
    private readonly rescue: RescueRepository,
  ) {}

  async record(db: Db, r: IncidentReport): Promise<{ alarm: AlarmRow; created: boolean }> {
    const type = r.kind === 'trapped' ? ENTRAPMENT : PASSENGER_REPORT;
    const source = r.channel === 'alarm_button' ? 'device' : r.channel === 'phone' ? 'phone' : 'public';
    const at = r.at.getTime();
    // a report after the car showed the last entrapment's release is a new incident
    if (type === ENTRAPMENT) await this.alarms.closeReleasedEntrapment(db, r.elevatorId, at);
    const { alarm, created } = await this.alarms.report(db, r.elevatorId, type, source, at, at, 1, at, false);
    await this.rescue.insertReport(db, { ...r, alarmId: alarm.id });
    await this.alarms.append(db, alarm.id, 'reported', r.recordedBy, r.recordedByName, r.text, {
      channel: r.channel,
      kind: r.kind,
      at: r.at.toISOString(),
      joined: !created,
    });
    return { alarm, created };
  }
}
