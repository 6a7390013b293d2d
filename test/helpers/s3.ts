import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** s3rver knows exactly this access key id; with allowMismatchedSignatures any secret is accepted. */
export const S3_KEY_ID = 'S3RVER';

interface StoredObject {
  content: NodeJS.ReadableStream | null;
}
interface Store {
  putBucket(name: string): Promise<unknown>;
  getObject(bucket: string, key: string): Promise<StoredObject | null>;
  putObject(object: unknown): Promise<unknown>;
  listObjects(bucket: string, opts: { prefix?: string }): Promise<{ objects: { key: string }[] }>;
}
interface S3rverInstance {
  store: Store;
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);
const S3rver = require('s3rver') as new (opts: Record<string, unknown>) => S3rverInstance;
const S3Account = require('s3rver/lib/models/account') as { DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void } };
const S3Object = require('s3rver/lib/models/object') as new (bucket: string, key: string, content: Buffer, metadata: Record<string, string>) => unknown;

export interface S3Server {
  /** http://127.0.0.1:PORT — what an ossfs volume's endpoint points at. */
  endpoint: string;
  port: number;
  createBucket(name: string): Promise<void>;
  /** Object body as text, or undefined when the key does not exist. */
  getObject(bucket: string, key: string): Promise<string | undefined>;
  putObject(bucket: string, key: string, body: string, metadata?: Record<string, string>): Promise<void>;
  /** s3fs's layout for a symlink: the target as body, S_IFLNK|0777 in x-amz-meta-mode. */
  putSymlink(bucket: string, key: string, target: string): Promise<void>;
  listKeys(bucket: string, prefix?: string): Promise<string[]>;
  /** Let another access key id in (any secret is accepted for it, as for S3RVER). */
  addAccessKeyId(id: string): void;
  stop(): Promise<void>;
}

/** An S3 emulator on 127.0.0.1 (random port) backed by a temp dir. */
export async function startS3(buckets: string[] = []): Promise<S3Server> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sbx-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, allowMismatchedSignatures: true });
  const { port } = await server.run();
  const store = server.store;
  const putObject = async (bucket: string, key: string, body: string, metadata: Record<string, string> = {}) => {
    const content = Buffer.from(body);
    await store.putObject(new S3Object(bucket, key, content, { 'content-length': String(content.length), ...metadata }));
  };
  const s3: S3Server = {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    createBucket: async (name) => void (await store.putBucket(name)),
    async getObject(bucket, key) {
      const obj = await store.getObject(bucket, key);
      if (!obj?.content) return undefined;
      const chunks: Buffer[] = [];
      for await (const c of obj.content as AsyncIterable<Buffer>) chunks.push(Buffer.from(c));
      return Buffer.concat(chunks).toString('utf8');
    },
    putObject,
    putSymlink: (bucket, key, target) => putObject(bucket, key, target, { 'x-amz-meta-mode': String(0o120777) }),
    async listKeys(bucket, prefix = '') {
      return (await store.listObjects(bucket, { prefix })).objects.map((o) => o.key);
    },
    addAccessKeyId: (id) => S3Account.DUMMY_ACCOUNT.createKeyPair(id, id),
    async stop() {
      await server.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
  for (const b of buckets) await s3.createBucket(b);
  return s3;
}
