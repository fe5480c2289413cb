import { type DataSource } from 'typeorm';
import { addDays } from '@liftwatch/calendar';

/**
 * What the demo elevators "reported" before the demo started, so that history, rollups and the
 * electricity lines of statements have something real behind them on the first start: the energy
 * meter hourly for `meterDays`, and trips (status samples) for `tripDays` — within the days the
 * raw-telemetry partitions accept. Written straight into the telemetry tables in batches, then
 * every touched hour is marked for the rollup job, exactly as ingest does.
 */
export interface DemoHistoryElevator {
  elevatorId: string;
  deviceId: string;
  serial: string;
  floors: number;
  /** maintenance visits (epoch ms): the car is in inspection mode, as a controller reports it */
  visits?: ReadonlyArray<{ from: number; to: number }>;
}

/** A small deterministic random source, so every fresh demo shows the same history. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Relative traffic by hour of the day in a residential building (morning and evening peaks). */
const HOURLY = [
  0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 1.2, 2.6, 2.2, 1.0, 0.8, 1.0, 1.4, 1.1, 0.8, 0.8, 1.0, 1.6, 2.4, 2.2, 1.8,
  1.4, 0.8, 0.4,
];
const TRIP_KWH = 0.045;
const STANDBY_KWH_PER_HOUR = 0.08;

export async function seedDemoHistory(
  ds: DataSource,
  elevators: readonly DemoHistoryElevator[],
  today: string,
  o: { meterDays: number; tripDays: number; endsAt: Date },
): Promise<{ meterReadings: number; samples: number }> {
  let meterReadings = 0;
  let samples = 0;
  for (const [n, e] of elevators.entries()) {
    const rnd = lcg(9001 + n);
    const meter: Array<{ ts: number; kwh: number }> = [];
    const status: Array<{
      ts: number;
      running: boolean;
      floor: number;
      doorClosed: boolean;
      dir: number;
      mode?: number;
    }> = [];
    const visits = e.visits ?? [];
    const duringVisit = (ts: number): boolean =>
      visits.some((v) => ts >= v.from - 60_000 && ts <= v.to + 60_000);
    let kwh = 1200 + Math.floor(rnd() * 800);
    let floor = 1;
    const firstDay = addDays(today, -o.meterDays);
    const tripFrom = new Date(`${addDays(today, -o.tripDays)}T00:00:00+08:00`).getTime();
    for (let h = new Date(`${firstDay}T00:00:00+08:00`).getTime(); h < o.endsAt.getTime(); h += 3_600_000) {
      const hour = new Date(h + 8 * 3_600_000).getUTCHours();
      const trips = Math.round((HOURLY[hour] ?? 1) * (3 + rnd() * 4));
      kwh += STANDBY_KWH_PER_HOUR + trips * TRIP_KWH * (0.8 + rnd() * 0.4);
      meter.push({ ts: h + 3_599_000, kwh: Math.round(kwh * 1000) / 1000 });
      if (h < tripFrom) continue;
      for (let t = 0; t < trips; t++) {
        const start = h + Math.floor(((t + rnd() * 0.6) / Math.max(1, trips)) * 3_400_000);
        if (duringVisit(start)) continue; // out of service for passengers while maintained
        const to = floor === 1 ? 2 + Math.floor(rnd() * (e.floors - 1)) : 1;
        const dir = to > floor ? 1 : 2;
        const seconds = 6 + Math.abs(to - floor) * 3;
        status.push({ ts: start, running: true, floor, doorClosed: true, dir });
        status.push({ ts: start + seconds * 1000, running: false, floor: to, doorClosed: false, dir: 0 });
        status.push({
          ts: start + seconds * 1000 + 8000,
          running: false,
          floor: to,
          doorClosed: true,
          dir: 0,
        });
        floor = to;
      }
    }
    for (const v of visits) {
      if (v.from < tripFrom) continue;
      for (let ts = v.from; ts <= v.to; ts += 60_000) {
        status.push({ ts, running: false, floor, doorClosed: true, dir: 0, mode: 2 });
      }
    }
    // nothing stamped after the demo's start: a reading "from the future" would sit behind the live
    // controller's next readings and look like a meter reset (and claim evidence would hold samples
    // recorded after it was frozen)
    const end = o.endsAt.getTime();
    while (meter.length > 0 && (meter[meter.length - 1]?.ts ?? 0) > end) meter.pop();
    for (let i = status.length - 1; i >= 0; i--) if ((status[i]?.ts ?? 0) > end) status.splice(i, 1);
    for (let i = 0; i < meter.length; i += 5000) {
      const chunk = meter.slice(i, i + 5000);
      await ds.query(
        `INSERT INTO meter_readings (elevator_id, device_id, ts, seq, received_at, meter_id, kwh)
         SELECT $1, $2, to_timestamp(t / 1000.0), s, to_timestamp(t / 1000.0), $3, k
           FROM unnest($4::float8[], $5::int8[], $6::numeric[]) AS x(t, s, k)
         ON CONFLICT DO NOTHING`,
        [
          e.elevatorId,
          e.deviceId,
          `M-${e.serial}`,
          chunk.map((m) => m.ts),
          chunk.map((_, j) => i + j + 1),
          chunk.map((m) => m.kwh),
        ],
      );
    }
    for (let i = 0; i < status.length; i += 5000) {
      const chunk = status.slice(i, i + 5000);
      await ds.query(
        `INSERT INTO telemetry_status (elevator_id, device_id, ts, seq, received_at, running, direction, floor, door_zone,
                                       door_closed, passenger, mode)
         SELECT $1, $2, to_timestamp(t / 1000.0), s, to_timestamp(t / 1000.0), r, d, f, NOT r, c, false, m
           FROM unnest($3::float8[], $4::int8[], $5::bool[], $6::int2[], $7::int2[], $8::bool[], $9::int2[])
             AS x(t, s, r, d, f, c, m)
         ON CONFLICT DO NOTHING`,
        [
          e.elevatorId,
          e.deviceId,
          chunk.map((x) => x.ts),
          chunk.map((_, j) => 1_000_000 + i + j),
          chunk.map((x) => x.running),
          chunk.map((x) => x.dir),
          chunk.map((x) => x.floor),
          chunk.map((x) => x.doorClosed),
          chunk.map((x) => x.mode ?? 1),
        ],
      );
    }
    await ds.query(
      `INSERT INTO rollup_dirty (elevator_id, bucket)
       SELECT $1, generate_series(date_trunc('hour', to_timestamp($2 / 1000.0)), date_trunc('hour', to_timestamp($3 / 1000.0)), interval '1 hour')
       ON CONFLICT DO NOTHING`,
      [e.elevatorId, meter[0]?.ts ?? o.endsAt.getTime(), o.endsAt.getTime()],
    );
    meterReadings += meter.length;
    samples += status.length;
  }
  return { meterReadings, samples };
}
