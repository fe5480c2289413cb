import { type CandidateAlarm, chooseIncidentAlarm } from './incident-alarm';

const at = (hhmmss: string): number => Date.parse(`2026-11-20T${hhmmss}+08:00`);
const entrapment = (id: string, from: string, to: string | null): CandidateAlarm => ({
  id,
  type: 'entrapment',
  start: at(from),
  end: to ? at(to) : null,
});

describe(chooseIncidentAlarm.name, () => {
  // the case from the field: a 120 s entrapment at 17:31, a longer one at 17:36:46
  const first = entrapment('first', '17:30:10', '17:32:10');
  const second = entrapment('second', '17:36:46', '17:40:45');

  it('should take the entrapment that covers the stated time, never the longer later one', () => {
    expect(chooseIncidentAlarm([second, first], at('17:31:00'), 'entrapment')).toEqual({
      alarmId: 'first',
      match: 'covers',
      others: ['second'],
    });
  });

  it('should take the one that began nearest before the stated time when none covers it', () => {
    // stated 17:35: the first ended at 17:32, the second has not begun
    expect(chooseIncidentAlarm([first, second], at('17:35:00'), 'entrapment')).toMatchObject({
      alarmId: 'first',
      match: 'began_before',
    });
  });

  it('should take one beginning shortly after when nothing began before, within the tolerance', () => {
    expect(chooseIncidentAlarm([second], at('17:30:00'), 'entrapment')).toMatchObject({
      alarmId: 'second',
      match: 'began_after',
    });
    expect(chooseIncidentAlarm([second], at('16:30:00'), 'entrapment')).toEqual({
      alarmId: null,
      match: null,
      others: ['second'],
    });
  });

  it('should take the latest-begun of overlapping conditions that cover the time', () => {
    const long = entrapment('long', '17:00:00', null);
    expect(chooseIncidentAlarm([long, first], at('17:31:00'), 'entrapment')).toMatchObject({
      alarmId: 'first',
      others: ['long'],
    });
  });

  it('should consider only entrapments for an entrapment claim, and any alarm otherwise', () => {
    const door: CandidateAlarm = { id: 'door', type: 'fault_02', start: at('17:30:30'), end: at('17:31:30') };
    expect(chooseIncidentAlarm([door, second], at('17:31:00'), 'entrapment')).toMatchObject({
      alarmId: 'second',
      others: ['door'],
    });
    expect(chooseIncidentAlarm([door, second], at('17:31:00'), 'injury')).toMatchObject({
      alarmId: 'door',
      match: 'covers',
    });
  });
});
