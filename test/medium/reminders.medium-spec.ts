import { addDays, businessDate } from '@liftwatch/calendar';
import { NotificationsService } from '@liftwatch/maintenance';
import { createFleet, type Fleet } from '../support/fleet.fixture';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Medium tier: the daily reminders called directly for a chosen day, on the real test database —
 * an end-to-end test cannot move the platform's calendar.
 */
describe('daily reminders on the real database (medium)', () => {
  let t: TestApp;
  let fleet: Fleet;
  let reminders: NotificationsService;

  beforeAll(async () => {
    t = await startTestApp();
    fleet = await createFleet(t);
    reminders = t.app.get(NotificationsService);
  });

  afterAll(async () => {
    await t?.close();
  });

  const ofElevator = async (elevatorId: string) =>
    await t.db.query<Array<{ kind: string; org: string | null; unit: string | null; key: string }>>(
      `SELECT kind, recipient_organisation_id AS org, recipient_unit_id AS unit, dedupe_key AS key
         FROM notifications WHERE elevator_id = $1 ORDER BY dedupe_key, org, unit`,
      [elevatorId],
    );

  it('should remind the firm and the owners of overdue levels once per due date, however often it runs', async () => {
    const today = businessDate(new Date(), t.config.businessTimeZone);
    await reminders.remind(today);
    const first = await ofElevator(fleet.elevators.e1);
    // e1 was never maintained under firm A's contract: every level is overdue
    const overdue = first.filter((n) => n.kind === 'maintenance_overdue');
    expect(new Set(overdue.map((n) => n.key.split(':')[2]))).toEqual(
      new Set(['half_month', 'quarterly', 'half_year', 'annual']),
    );
    for (const level of new Set(overdue.map((n) => n.key))) {
      const to = overdue.filter((n) => n.key === level);
      expect(to.map((n) => n.org ?? n.unit).sort()).toEqual([fleet.orgs.firmA, fleet.units.u1].sort());
    }
    // the same day again, and the next day: nothing new for the same due dates
    await reminders.remind(today);
    await reminders.remind(addDays(today, 1));
    expect(await ofElevator(fleet.elevators.e1)).toEqual(first);
    // an elevator without a contract gets no maintenance reminders
    expect((await ofElevator(fleet.elevators.e2)).filter((n) => n.kind.startsWith('maintenance'))).toEqual(
      [],
    );
  });
});
