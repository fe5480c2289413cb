#!/usr/bin/env node
// Builds the server (dist/apps, dist/libs, dist/device-sim, dist/scripts) and/or the web app
// (dist/web) only when their sources changed since the last build, judged by a hash of the files'
// contents (a fresh clone or `git checkout` gives every file a new mtime; the contents say more).
//
//   node scripts/build-if-stale.js [server] [web] [--force] [--quiet]   (both when none is named)
//   node scripts/build-if-stale.js types      (apps/web/src/api/schema.d.ts only)
//
// The web app is built into a new folder and swapped in, so a running platform never serves a
// half-empty dist/web. apps/web/src/api/schema.d.ts is rewritten only when docs/openapi.json
// changed it (an unchanged file keeps its hash, so the next run builds nothing).
'use strict';
const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const {
  existsSync,
  mkdtempSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} = require('node:fs');
const { join, relative, resolve } = require('node:path');
const { tmpdir } = require('node:os');

const root = resolve(__dirname, '..');
const dist = join(root, 'dist');

/** Every file under `paths` (files or folders), sorted, skipping node_modules and dot folders. */
function files(paths, accept) {
  const out = [];
  const walk = (p) => {
    if (!existsSync(p)) return;
    const entries = readdirSync(p, { withFileTypes: true });
    for (const e of entries) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const full = join(p, e.name);
      if (e.isDirectory()) walk(full);
      else if (accept(e.name)) out.push(full);
    }
  };
  for (const p of paths) {
    const full = join(root, p);
    if (!existsSync(full)) continue;
    if (statSync(full).isDirectory()) walk(full);
    else out.push(full);
  }
  return out.sort();
}

function hashOf(list) {
  const h = createHash('sha256');
  for (const f of list) {
    h.update(relative(root, f));
    h.update('\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex');
}

const TS = (n) => /\.(ts|tsx|mts|js|json|css|svg|html)$/.test(n);

const TARGETS = {
  server: {
    stamp: join(dist, '.build-server'),
    sources: () =>
      files(
        [
          'apps/platform',
          'libs',
          'device-sim',
          'scripts',
          'tsconfig.json',
          'tsconfig.build.json',
          'nest-cli.json',
          'package-lock.json',
        ],
        TS,
      ),
    output: join(dist, 'apps/platform/src/main.js'),
    build() {
      return run('npx', ['nest', 'build', 'platform']);
    },
  },
  web: {
    stamp: join(dist, '.build-web'),
    sources: () =>
      files(['apps/web', 'docs/openapi.json', 'package-lock.json'], (n) => TS(n) && n !== 'schema.d.ts'),
    output: join(dist, 'web/index.html'),
    build() {
      if (!writeSchemaTypes()) return false;
      const staging = join(dist, 'web.next');
      rmSync(staging, { recursive: true, force: true });
      if (
        !run('npx', [
          'vite',
          'build',
          '--config',
          'apps/web/vite.config.mts',
          '--outDir',
          staging,
          '--emptyOutDir',
        ])
      )
        return false;
      // swap: the old folder disappears only after the new one is in place
      const old = join(dist, 'web.old');
      rmSync(old, { recursive: true, force: true });
      if (existsSync(join(dist, 'web'))) renameSync(join(dist, 'web'), old);
      renameSync(staging, join(dist, 'web'));
      rmSync(old, { recursive: true, force: true });
      return true;
    },
  },
};

/** apps/web/src/api/schema.d.ts from docs/openapi.json, written only when it changes. */
function writeSchemaTypes() {
  const schema = join(root, 'apps/web/src/api/schema.d.ts');
  const fresh = join(mkdtempSync(join(tmpdir(), 'liftwatch-types-')), 'schema.d.ts');
  if (!run('npx', ['openapi-typescript', 'docs/openapi.json', '-o', fresh, '--silent'])) return false;
  const next = readFileSync(fresh);
  if (!existsSync(schema) || !readFileSync(schema).equals(next)) writeFileSync(schema, next);
  rmSync(join(fresh, '..'), { recursive: true, force: true });
  return true;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  return r.status === 0;
}

// `types`: only the web app's API types (for typecheck and lint on a fresh clone)
if (process.argv.includes('types')) process.exit(writeSchemaTypes() ? 0 : 1);

const wanted = process.argv.slice(2).filter((a) => a in TARGETS);
const force = process.argv.includes('--force');
for (const name of wanted.length ? wanted : Object.keys(TARGETS)) {
  const t = TARGETS[name];
  const hash = hashOf(t.sources());
  const stamped = existsSync(t.stamp) ? readFileSync(t.stamp, 'utf8').trim() : '';
  if (!force && stamped === hash && existsSync(t.output)) {
    if (!process.argv.includes('--quiet')) process.stderr.write(`${name}: up to date\n`);
    continue;
  }
  process.stderr.write(`${name}: building…\n`);
  if (!t.build()) {
    process.stderr.write(`${name}: build failed\n`);
    process.exit(1);
  }
  mkdirSync(dist, { recursive: true });
  writeFileSync(t.stamp, `${hash}\n`);
}
