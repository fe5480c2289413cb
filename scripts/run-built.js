#!/usr/bin/env node
// Runs a built entry point (dist/...), building the server first only when its sources changed
// (scripts/build-if-stale.js) — so `npm run sim` starts at once on a built checkout, never runs
// stale code, and never empties dist/web under a running platform.
'use strict';
const { spawnSync, spawn } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: node scripts/run-built.js dist/<entry>.js [args…]\n');
  process.exit(2);
}

const target = join(root, entry);
// builds the server only when its sources changed (a content hash; never touches dist/web)
const built = spawnSync(process.execPath, [join(__dirname, 'build-if-stale.js'), 'server', '--quiet'], {
  cwd: root,
  stdio: 'inherit',
});
if (built.status !== 0) process.exit(built.status ?? 1);
if (!existsSync(target)) {
  process.stderr.write(`${entry} does not exist after the build\n`);
  process.exit(1);
}
// the platform's V8 flags (libs/config/src/node-flags.ts) for every entry point: the benches and
// the simulator host or start the platform
const { PLATFORM_NODE_FLAGS } = require(join(root, 'dist/libs/config/src/node-flags.js'));
const child = spawn(process.execPath, [...PLATFORM_NODE_FLAGS, target, ...args], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
