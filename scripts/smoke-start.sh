#!/usr/bin/env bash
# Starts the platform exactly as the README's run command does (embedded PostgreSQL, fresh
# DATA_DIR, free ports), waits for /health, checks the storage mode and the OpenAPI document,
# then stops it with SIGTERM. Used by CI so the run command is exercised on every change.
set -euo pipefail
cd "$(dirname "$0")/.."

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
export DATA_DIR HTTP_PORT EMBEDDED_PG_PORT MQTT_PORT MQTT_WS_PORT
DATA_DIR="$(mktemp -d)"
HTTP_PORT="$(free_port)"
EMBEDDED_PG_PORT="$(free_port)"
MQTT_PORT="$(free_port)"
MQTT_WS_PORT="$(free_port)"
log="$DATA_DIR/platform.log"

# Its own process group, so the cleanup reaches node (and its PostgreSQL) behind npm and sh.
setsid npm start --silent >"$log" 2>&1 &
pid=$!
cleanup() {
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 30); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.5; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -rf "$DATA_DIR"
}
trap cleanup EXIT

for _ in $(seq 1 120); do
  if curl -fs "http://127.0.0.1:$HTTP_PORT/health" >"$DATA_DIR/health.json" 2>/dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then echo "platform exited early:"; cat "$log"; exit 1; fi
  sleep 1
done
health="$(cat "$DATA_DIR/health.json" 2>/dev/null || true)"
echo "health: $health"
grep -q '"status":"ok"' <<<"$health" || { echo "no healthy answer"; tail -n 50 "$log"; exit 1; }
grep -q '"storageMode":"postgres"\|"storageMode":"timescaledb"' <<<"$health" || { echo "no storage mode"; exit 1; }
grep -q 'storage mode' "$log" || { echo "start-up log does not name the storage mode"; exit 1; }
grep -q '"broker":{"status":"up"' <<<"$health" || { echo "embedded broker not up"; exit 1; }
curl -fs "http://127.0.0.1:$HTTP_PORT/api/openapi.json" | grep -q '"/api/v1/elevators"' || { echo "OpenAPI lacks /api/v1/elevators"; exit 1; }
index="$(curl -fs "http://127.0.0.1:$HTTP_PORT/fleet")" || { echo "no dashboard at /"; exit 1; }
grep -q 'id="root"' <<<"$index" || { echo "the dashboard's index.html is not served"; exit 1; }
asset="$(grep -o '/assets/[^"]*\.js' <<<"$index" | head -1)"
curl -fs -o /dev/null "http://127.0.0.1:$HTTP_PORT$asset" || { echo "dashboard asset $asset missing"; exit 1; }
echo "smoke start: ok"
