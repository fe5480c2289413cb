import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { loadConfig } from '@liftwatch/config';
import { S3DocumentStore } from '../libs/documents/src/document-store';
import { createFleet } from './support/fleet.fixture';
import { startTestApp } from './support/test-app';
import { freePort } from './support/test-database';
import { binaryBody } from './support/wait';

/**
 * The S3-compatible document store against a real S3 implementation (s3rver, in process): what
 * is put comes back byte for byte; a request the store refuses (unknown access key) is an error.
 */
describe('S3-compatible claim document store', () => {
  let server: S3rver;
  let endpoint: string;
  const key = `${'a'.repeat(8)}-bbbb-cccc-dddd-${'e'.repeat(12)}/${'0'.repeat(64)}`;

  beforeAll(async () => {
    const port = await freePort();
    server = new S3rver({
      port,
      address: '127.0.0.1',
      silent: true,
      directory: mkdtempSync(join(tmpdir(), 'liftwatch-s3-')),
      configureBuckets: [{ name: 'claims' }],
    });
    await server.run();
    endpoint = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await server.close();
  });

  const config = (accessKeyId = 'S3RVER') =>
    loadConfig({
      DOCUMENT_STORE: 's3',
      S3_ENDPOINT: endpoint,
      S3_BUCKET: 'claims',
      S3_ACCESS_KEY_ID: accessKeyId,
      S3_SECRET_ACCESS_KEY: 'S3RVER',
    });

  it('should store, return and delete a document', async () => {
    const s3 = config().documents.s3;
    expect(s3).not.toBeNull();
    const store = new S3DocumentStore(s3!);
    const content = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3000, 7)]);
    await store.put(key, content);
    expect(Buffer.compare(await store.get(key), content)).toBe(0);
    await store.remove(key);
    await expect(store.get(key)).rejects.toThrow(/404/);
    await store.remove(key); // removing twice is fine
  });

  it('should surface a refusal by the store, and refuse keys that are not document keys', async () => {
    const bad = new S3DocumentStore(config('UNKNOWN-KEY').documents.s3!);
    await expect(bad.put(key, Buffer.from('x'))).rejects.toThrow(/403/);
    const store = new S3DocumentStore(config().documents.s3!);
    await expect(store.put('../../etc/passwd', Buffer.from('x'))).rejects.toThrow('bad document key');
  });

  it('should name every missing S3 setting at start-up', () => {
    expect(() => loadConfig({ DOCUMENT_STORE: 's3' })).toThrow(
      /S3_ENDPOINT: required[\s\S]*S3_BUCKET: required[\s\S]*S3_ACCESS_KEY_ID: required[\s\S]*S3_SECRET_ACCESS_KEY: required/,
    );
  });

  it('should keep claim documents uploaded through the API in the object store', async () => {
    const t = await startTestApp({
      DOCUMENT_STORE: 's3',
      S3_ENDPOINT: endpoint,
      S3_BUCKET: 'claims',
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
    });
    try {
      const fleet = await createFleet(t);
      const owner = await t.login(fleet.users.owner1);
      const claim = await t
        .post(owner, '/claims', {
          policyId: fleet.policies.a,
          elevatorId: fleet.elevators.e1,
          incidentAt: new Date(Date.now() - 3_600_000).toISOString(),
          incidentType: 'property_damage',
          description: '轿门刮坏婴儿车',
        })
        .expect(201);
      const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(500, 0x20)]);
      const doc = await t
        .http()
        .post(`/api/v1/claims/${claim.body.id}/documents`)
        .auth(owner, { type: 'bearer' })
        .field('kind', 'invoice')
        .attach('file', pdf, 'invoice.pdf')
        .expect(201);
      const store = new S3DocumentStore(config().documents.s3!);
      const stored = await store.get(`${claim.body.id}/${doc.body.sha256}`);
      expect(Buffer.compare(stored, pdf)).toBe(0);
      const back = await t
        .get(await t.login(fleet.users.insurerA), `/claims/${claim.body.id}/documents/${doc.body.id}`)
        .buffer(true)
        .parse(binaryBody)
        .expect(200);
      expect(Buffer.compare(back.body as Buffer, pdf)).toBe(0);
    } finally {
      await t.close();
    }
  });
});
