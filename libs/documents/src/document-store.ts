import imageSize from 'image-size';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DynamicModule, type Provider } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { AwsClient } from 'aws4fetch';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';

/** Where claim documents live. Local files in the embedded mode; an S3-compatible store can implement the same. */
export interface DocumentStore {
  put(key: string, content: Buffer): Promise<void>;
  get(key: string): Promise<Buffer>;
  remove(key: string): Promise<void>;
}

export const DOCUMENT_STORE = Symbol('DOCUMENT_STORE');

/** Keys are `<owner id>/<sha256>` (a claim, an elevator): nothing else reaches the file system or the object store. */
function checkKey(key: string): string {
  if (!/^[0-9a-f-]{36}\/[0-9a-f]{64}$/.test(key)) throw new Error(`bad document key ${key}`);
  return key;
}

/** Files under DOCUMENTS_DIR (default DATA_DIR/documents), written to a temp name and renamed. */
export class LocalDocumentStore implements DocumentStore {
  constructor(private readonly root: string) {}

  private path(key: string): string {
    return join(this.root, checkKey(key));
  }

  async put(key: string, content: Buffer): Promise<void> {
    const path = this.path(key);
    await mkdir(join(path, '..'), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, content);
    await rename(tmp, path);
  }

  get(key: string): Promise<Buffer> {
    return readFile(this.path(key));
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}

/**
 * An S3-compatible object store (MinIO, Ceph, Alibaba OSS, Tencent COS, AWS) with path-style URLs
 * `<endpoint>/<bucket>/<key>`, requests signed with AWS Signature V4.
 */
export class S3DocumentStore implements DocumentStore {
  private readonly client: AwsClient;

  constructor(private readonly s3: NonNullable<AppConfig['documents']['s3']>) {
    this.client = new AwsClient({
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      region: s3.region,
      service: 's3',
    });
  }

  private url(key: string): string {
    return `${this.s3.endpoint.replace(/\/+$/, '')}/${this.s3.bucket}/${checkKey(key)}`;
  }

  private async call(method: 'PUT' | 'GET' | 'DELETE', key: string, body?: Buffer): Promise<Response> {
    const res = await this.client.fetch(this.url(key), { method, ...(body ? { body } : {}) });
    if (!res.ok && !(method === 'DELETE' && res.status === 404)) {
      throw new Error(`object store ${method} ${key}: ${res.status} ${(await res.text()).slice(0, 200)}`);
    }
    return res;
  }

  async put(key: string, content: Buffer): Promise<void> {
    await this.call('PUT', key, content);
  }

  async get(key: string): Promise<Buffer> {
    return Buffer.from(await (await this.call('GET', key)).arrayBuffer());
  }

  async remove(key: string): Promise<void> {
    await this.call('DELETE', key);
  }
}

/** The configured store: local files (default) or S3 (`DOCUMENT_STORE=s3`). */
export const documentStoreProvider: Provider = {
  provide: DOCUMENT_STORE,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig): DocumentStore =>
    config.documents.store === 's3' && config.documents.s3
      ? new S3DocumentStore(config.documents.s3)
      : new LocalDocumentStore(config.documents.dir),
};

export const ALLOWED_TYPES = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'application/pdf',
  'video/mp4',
] as const;

/** The largest side an uploaded image may have (a phone photo is ~4 000 px). */
const MAX_IMAGE_SIDE = 20_000;

/**
 * Whether the bytes are an image of the type their magic number claims, by reading its structure
 * to its dimensions (image-size): JPEG magic followed by HTML is no image.
 */
function decodesAs(b: Buffer, type: 'jpg' | 'png' | 'webp'): boolean {
  try {
    const d = imageSize(b);
    return (
      d.type === type &&
      (d.width ?? 0) > 0 &&
      (d.height ?? 0) > 0 &&
      (d.width ?? 0) <= MAX_IMAGE_SIDE &&
      (d.height ?? 0) <= MAX_IMAGE_SIDE
    );
  } catch {
    return false;
  }
}

/**
 * The type the bytes really are (magic numbers; images also read to their dimensions), whatever the
 * client said; null when not allowed.
 */
export function sniffContentType(b: Buffer): (typeof ALLOWED_TYPES)[number] | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff)
    return decodesAs(b, 'jpg') ? 'image/jpeg' : null;
  if (
    b.length >= 8 &&
    b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  ) {
    return decodesAs(b, 'png') ? 'image/png' : null;
  }
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP')
    return decodesAs(b, 'webp') ? 'image/webp' : null;
  if (b.length >= 5 && b.toString('latin1', 0, 5) === '%PDF-') return 'application/pdf';
  if (b.length >= 12 && b.toString('latin1', 4, 8) === 'ftyp') return 'video/mp4';
  return null;
}

export function sha256Hex(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

/**
 * Multipart uploads for the modules that take files: in memory and bounded (a file over
 * DOCUMENTS_MAX_BYTES is refused with 413 before anything is written), UTF-8 file names.
 */
export function boundedUploads(): DynamicModule {
  return MulterModule.registerAsync({
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => ({
      limits: { fileSize: config.documents.maxBytes, files: 1, fields: 10 },
      // browsers send UTF-8 file names (行李照片.png); busboy's default would read them as latin1
      defParamCharset: 'utf8',
    }),
  });
}
