/** Shared setup of the s3 e2e files: the local S3 server, the real s3fs, manifests, mount inspection. */
import path from 'node:path';
import { STATE_DIR, mountsUnder } from '../helpers/e2e.js';
import { S3_KEY_ID, startS3, type S3Server } from '../helpers/s3.js';
import { bucketManifest, type OssMount } from './ossfs-support.js';

export const S3_BUCKET = 'e2e-s3-bucket';
export const S3_ROOT = path.join(STATE_DIR, 's3');

export interface S3Env {
  s3: S3Server;
  /** Environment for sbx: credentials for the local server (any secret is accepted for S3RVER). */
  env: Record<string, string>;
  secret: string;
}

export async function startS3Env(): Promise<S3Env> {
  const s3 = await startS3([S3_BUCKET]);
  const secret = `e2e-s3-secret-${Math.random().toString(36).slice(2, 12)}`;
  return { s3, secret, env: { AWS_ACCESS_KEY_ID: S3_KEY_ID, AWS_SECRET_ACCESS_KEY: secret } };
}

export interface S3VolumeSpec {
  path?: string;
  options?: string[];
  access_key_id?: string;
  access_key_secret?: string;
}

/** A manifest with s3 volumes (path-style, against the local server) and containers that only sleep. */
export function s3Manifest(s3: S3Server, id: string, volumes: Record<string, S3VolumeSpec>, containers: Record<string, OssMount[]>): string {
  return bucketManifest(id, Object.entries(volumes).map(([name, v]) => ({ name, s3: { bucket: S3_BUCKET, endpoint: s3.endpoint, path_style: true, ...v } })), containers);
}

/** s3 mount points on the host (one per key directory). */
export function s3Mounts(): string[] {
  return mountsUnder(S3_ROOT);
}
