import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

type Tree = { [k: string]: string | Tree };
const I18N = join(__dirname, '../src/i18n');
const SRC = join(__dirname, '../src');
const load = (f: string): Tree => JSON.parse(readFileSync(join(I18N, f), 'utf8')) as Tree;

function keys(t: Tree, prefix = ''): string[] {
  return Object.entries(t).flatMap(([k, v]) =>
    typeof v === 'string' ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`),
  );
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.tsx?$/.test(f) && !f.endsWith('.d.ts') ? [p] : [];
  });
}

/** The dashboard's strings: zh-CN (default) and en must say the same things. */
describe('dashboard string catalogues', () => {
  const zh = load('zh-CN.json');
  const en = load('en.json');

  it('should have the same keys in Chinese and English, none empty', () => {
    expect(keys(en).sort()).toEqual(keys(zh).sort());
    const empty = (t: Tree): string[] =>
      keys(t).filter((k) => !k.split('.').reduce<string | Tree>((n, p) => (n as Tree)[p], t));
    expect(empty(zh)).toEqual([]);
    expect(empty(en)).toEqual([]);
  });

  it('should have every literal key the screens ask for', () => {
    const known = new Set(keys(zh));
    const missing: string[] = [];
    let asked = 0;
    for (const file of sources(SRC)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g)) {
        asked++;
        if (!known.has(m[1])) missing.push(`${file.slice(SRC.length + 1)}: ${m[1]}`);
      }
    }
    expect(asked).toBeGreaterThan(150); // the scan does find the screens' strings
    expect(missing).toEqual([]);
  });

  it('should keep the same placeholders in both languages', () => {
    const get = (t: Tree, k: string): string =>
      k.split('.').reduce<string | Tree>((n, p) => (n as Tree)[p], t) as string;
    const vars = (s: string): string[] => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    const differ = keys(zh).filter(
      (k) => JSON.stringify(vars(get(zh, k))) !== JSON.stringify(vars(get(en, k))),
    );
    expect(differ).toEqual([]);
  });
});
