import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { heapLimit, PLATFORM_NODE_FLAGS } from './node-flags';

const root = join(__dirname, '../../..');

describe('PLATFORM_NODE_FLAGS', () => {
  it('should be what every start script of package.json passes to node', () => {
    const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const starts = Object.entries(scripts).filter(([, cmd]) =>
      cmd.includes('dist/apps/platform/src/main.js'),
    );
    expect(starts.map(([name]) => name).sort()).toEqual(['demo', 'start', 'start:built']);
    for (const [, cmd] of starts) {
      expect(cmd).toContain(`node ${PLATFORM_NODE_FLAGS.join(' ')} dist/apps/platform/src/main.js`);
    }
  });

  it("should be the container image's NODE_OPTIONS", () => {
    const dockerfile = readFileSync(join(root, 'deploy/Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(new RegExp(`^ENV NODE_OPTIONS="${PLATFORM_NODE_FLAGS.join(' ')}"$`, 'm'));
  });

  it('should keep the old generation below 2 GiB, where V8 lets it grow to 4× its live size', () => {
    const flag = PLATFORM_NODE_FLAGS.find((f) => f.startsWith('--max-old-space-size='));
    const mib = Number(flag?.split('=')[1]);
    expect(mib).toBeGreaterThanOrEqual(1024);
    expect(mib).toBeLessThan(2048);
  });

  it('should be told apart from a start without them by the start-up check', () => {
    const limitWith = (flags: readonly string[]): number => {
      const r = spawnSync(
        process.execPath,
        [...flags, '-e', "process.stdout.write(String(require('v8').getHeapStatistics().heap_size_limit))"],
        { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' },
      );
      expect(r.status).toBe(0);
      return Number(r.stdout);
    };
    expect(heapLimit(limitWith(PLATFORM_NODE_FLAGS)).intended).toBe(true);
    // Node's default on a machine with 16 GiB or more, whatever this machine has
    expect(heapLimit(limitWith(['--max-old-space-size=4096'])).intended).toBe(false);
  });
});
