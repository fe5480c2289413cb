import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PlatformProcess, startPlatformProcess } from './support/platform-process';

/**
 * Stable key order, and enum values in order (as the export writes them): an enum taken from a
 * TypeScript union by the swagger plugin comes out in the compiler's order, which can change
 * with unrelated imports.
 */
function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => {
          const value = (v as Record<string, unknown>)[k];
          return [k, k === 'enum' && Array.isArray(value) ? [...(value as string[])].sort() : sorted(value)];
        }),
    );
  return v;
}

interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  allOf?: Schema[];
  oneOf?: Schema[];
  additionalProperties?: boolean | Schema;
  format?: string;
}
interface Operation {
  operationId?: string;
  parameters?: Array<{ name: string; in: string; schema?: Schema }>;
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/** Reports: rows computed over a period, not a collection to page through. */
const REPORTS = new Set([
  'GET /api/v1/reports/fault-rates',
  'GET /api/v1/reports/warranty-faults',
  'GET /api/v1/reports/claim-totals',
  'GET /api/v1/elevators/{id}/history',
  'GET /api/v1/alarms/counts',
]);

/**
 * The dashboard's API types are generated from the OpenAPI document, so the document must say
 * what every route returns: a real schema for each success response, paged lists in one shape,
 * no duplicated enum values.
 */
describe('OpenAPI document as a typed contract', () => {
  let p: PlatformProcess;
  let doc: Doc;

  // The document as the built platform serves it: the Nest swagger plugin (which reads the DTO
  // classes' types) runs in `nest build`, not under ts-jest.
  beforeAll(async () => {
    p = await startPlatformProcess();
    doc = (await (await fetch(`${p.baseUrl}/api/openapi.json`)).json()) as Doc;
  }, 120_000);
  afterAll(() => p?.stop());

  const resolve = (s: Schema | undefined): Schema | undefined => {
    let cur = s;
    for (let i = 0; cur?.$ref && i < 10; i++) cur = doc.components.schemas[cur.$ref.split('/').pop() ?? ''];
    return cur;
  };
  const operations = (): Array<{ route: string; op: Operation }> =>
    Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })),
    );

  it('should give every success response a schema with content (or say it has none: 204)', () => {
    const missing: string[] = [];
    for (const { route, op } of operations()) {
      const ok = Object.entries(op.responses ?? {}).filter(([code]) => code.startsWith('2'));
      if (ok.length === 0) {
        missing.push(`${route}: no success response`);
        continue;
      }
      for (const [code, r] of ok) {
        if (code === '204') continue;
        const content = Object.values(r.content ?? {});
        let schema = resolve(content[0]?.schema);
        if (schema?.type === 'array') schema = resolve(schema.items);
        const empty =
          !schema ||
          (schema.type === 'object' &&
            !schema.properties &&
            !schema.additionalProperties &&
            !schema.allOf &&
            !schema.oneOf);
        if (empty) missing.push(`${route} ${code}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('should page every list the same way: limit and offset in, {items,total,limit,offset} out', () => {
    const wrong: string[] = [];
    for (const { route, op } of operations()) {
      if (!route.startsWith('GET ')) continue;
      const schema = resolve(Object.values(op.responses?.['200']?.content ?? {})[0]?.schema);
      if (!schema) continue;
      const params = new Set((op.parameters ?? []).map((p) => p.name));
      if (schema.type === 'array' && !REPORTS.has(route)) wrong.push(`${route}: a bare array`);
      const props = schema.properties ?? {};
      if (props.items && props.total) {
        for (const k of ['total', 'limit', 'offset']) if (!props[k]) wrong.push(`${route}: no ${k}`);
        if (!params.has('limit') || !params.has('offset')) wrong.push(`${route}: no limit/offset parameters`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('should list no enum value twice', () => {
    const dup: string[] = [];
    const visit = (where: string, s: Schema | undefined): void => {
      if (!s) return;
      if (s.enum && new Set(s.enum.map((v) => JSON.stringify(v))).size !== s.enum.length) dup.push(where);
      for (const [k, p] of Object.entries(s.properties ?? {})) visit(`${where}.${k}`, p);
      visit(`${where}[]`, s.items);
    };
    for (const [name, s] of Object.entries(doc.components.schemas)) visit(name, s);
    for (const { route, op } of operations())
      for (const p of op.parameters ?? []) visit(`${route} ?${p.name}`, p.schema);
    expect(dup).toEqual([]);
  });

  it('should match docs/openapi.json, which the dashboard’s types are generated from (npm run openapi:export)', () => {
    const committed = JSON.parse(
      readFileSync(join(__dirname, '..', 'docs', 'openapi.json'), 'utf8'),
    ) as unknown;
    expect(sorted(doc)).toEqual(committed);
  });
});
