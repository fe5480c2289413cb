import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { hashDeviceSecret } from '../../libs/access/src/auth/password.util';
import { type DeviceCredentials } from '../../device-sim/src';

/**
 * Registers `n` elevators with one controller each straight into the database (the REST way
 * takes minutes for 10 000 devices and is not what is being measured).
 */
export async function provisionBenchFleet(
  url: string,
  n: number,
  prefix: string,
): Promise<DeviceCredentials[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`INSERT INTO regions (code, name, level, parent_code) VALUES
        ('440000', '广东省', 'province', NULL), ('440100', '广州市', 'prefecture', '440000'),
        ('440106', '天河区', 'county', '440100') ON CONFLICT DO NOTHING`);
    const buildingId = randomUUID();
    await c.query(
      `INSERT INTO buildings (id, region_code, community, name, address) VALUES ($1, '440106', $2, '1栋', '基准路1号')`,
      [buildingId, `基准小区 ${prefix}`],
    );
    const units: string[] = [];
    const elevators: string[] = [];
    const codes: string[] = [];
    const serials: string[] = [];
    const hashes: string[] = [];
    const out: DeviceCredentials[] = [];
    for (let i = 0; i < n; i++) {
      const unitId = randomUUID();
      const elevatorId = randomUUID();
      const serial = `${prefix}-${String(i).padStart(6, '0')}`;
      const secret = `bench-${prefix}-${i}`;
      units.push(unitId);
      elevators.push(elevatorId);
      codes.push(`3110440106${String(Date.now()).slice(-4)}${String(i).padStart(6, '0')}`);
      serials.push(serial);
      hashes.push(hashDeviceSecret(secret));
      out.push({ serial, secret, elevatorId, floors: 7 });
    }
    await c.query(
      `INSERT INTO units (id, building_id, name, floor_count) SELECT u, $2, 'U' || ord, 7 FROM unnest($1::uuid[]) WITH ORDINALITY AS x(u, ord)`,
      [units, buildingId],
    );
    await c.query(
      `INSERT INTO elevators (id, unit_id, registration_code, served_floors)
       SELECT e, u, r, ARRAY[1,2,3,4,5,6,7] FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS x(e, u, r)`,
      [elevators, units, codes],
    );
    await c.query(
      `INSERT INTO devices (serial, elevator_id, secret_hash) SELECT s, e, h FROM unnest($1::text[], $2::uuid[], $3::text[]) AS x(s, e, h)`,
      [serials, elevators, hashes],
    );
    return out;
  } finally {
    await c.end();
  }
}
