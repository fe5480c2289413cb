#!/usr/bin/env node
// Runs a built entry point (dist/...), building first only when a source file is newer than the
// last build — so `npm run sim` starts at once on a built checkout and still never runs stale code.
'use strict';
const { spawnSync, spawn } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: node scripts/run-built.js dist/<entry>.js [args…]\n');
  process.exit(2);
}

function newestSource(dir) {
  let newest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    if (name.name === 'node_modules' || name.name.startsWith('.')) continue;
    const path = join(dir, name.name);
    if (name.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.(ts|json)$/.test(name.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const target = join(root, entry);
const sources = ['apps', 'libs', 'device-sim', 'scripts']
  .map((d) => join(root, d))
  .filter((d) => existsSync(d))
  .reduce((m, d) => Math.max(m, newestSource(d)), statSync(join(root, 'tsconfig.json')).mtimeMs);
if (!existsSync(target) || statSync(target).mtimeMs < sources) {
  process.stderr.write('sources changed since the last build: building first…\n');
  const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
// the platform's V8 flags (libs/config/src/node-flags.ts) for every entry point: the benches and
// the simulator host or start the platform
const { PLATFORM_NODE_FLAGS } = require(join(root, 'dist/libs/config/src/node-flags.js'));
const child = spawn(process.execPath, [...PLATFORM_NODE_FLAGS, target, ...args], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
