#!/usr/bin/env node
// Writes docs/openapi.json: the OpenAPI document exactly as the built platform serves it. The web
// dashboard's API types are generated from this file in the build, and a test fails when the served
// document and this file differ — so the UI and the API cannot drift apart unnoticed.
// Usage: npm run openapi:export (builds the server first).
'use strict';
const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const freePort = () =>
  new Promise((res, rej) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on('error', rej);
  });

/**
 * Stable key order and enum values in order, so the file only changes when the API does (an enum
 * the swagger plugin takes from a TypeScript union comes out in the compiler's order).
 */
function sorted(v) {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, k === 'enum' && Array.isArray(v[k]) ? [...v[k]].sort() : sorted(v[k])]),
    );
  return v;
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'liftwatch-openapi-'));
  const [http, mqtt, ws, pg] = [await freePort(), await freePort(), await freePort(), await freePort()];
  // The embedded database and broker, whatever this shell points at.
  const { DATABASE_URL: _db, MQTT_URL: _mqtt, ...inherited } = process.env;
  const child = spawn(process.execPath, [join(root, 'dist/apps/platform/src/main.js')], {
    env: {
      ...inherited,
      DATA_DIR: dataDir,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(http),
      MQTT_PORT: String(mqtt),
      MQTT_WS_PORT: String(ws),
      EMBEDDED_PG_PORT: String(pg),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    const deadline = Date.now() + 90_000;
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${http}/api/openapi.json`);
        if (res.ok) {
          const doc = sorted(await res.json());
          writeFileSync(join(root, 'docs/openapi.json'), `${JSON.stringify(doc, null, 2)}\n`);
          process.stdout.write(`docs/openapi.json: ${Object.keys(doc.paths).length} paths\n`);
          return;
        }
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error('the platform did not start within 90 s');
      await new Promise((r) => setTimeout(r, 300));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
