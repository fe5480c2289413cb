/**
 * A dashboard client for the benchmark, in its own process (it would otherwise share the
 * platform's event loop and CPU figures): watches every elevator over socket.io and records, for
 * each state it receives, the time since the device took the sample. Controlled over IPC:
 * `start` / `stop` bound the measuring window; `report` answers with the latencies' percentiles.
 */
import { io } from 'socket.io-client';

const [url, token] = process.argv.slice(2);
const latencies: number[] = [];
let measuring = false;

const socket = io(`${url}/live`, { auth: { token }, transports: ['websocket'] });
const record = (s: { ts: string | null }): void => {
  if (measuring && s.ts) latencies.push(Date.now() - Date.parse(s.ts));
};
socket.on('states', (list: Array<{ ts: string | null }>) => list.forEach(record));
socket.on('state', record);

function percentile(sorted: Float64Array, p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? null;
}

process.on('message', (m: { type: string }) => {
  if (m.type === 'start') {
    latencies.length = 0;
    measuring = true;
  } else if (m.type === 'stop') measuring = false;
  else if (m.type === 'report') {
    const s = Float64Array.from(latencies).sort();
    process.send?.({
      type: 'report',
      report: { p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? null, n: s.length },
    });
  } else if (m.type === 'exit') {
    socket.close();
    process.exit(0);
  }
});

void socket
  .timeout(30_000)
  .emitWithAck('join', { all: true, batch: true })
  .then(() => process.send?.({ type: 'joined' }))
  .catch((err: unknown) => {
    process.stderr.write(`socket client: ${String(err)}\n`);
    process.exit(1);
  });
