import { bucketBackend } from './bucket/index.js';
import { s3Kind } from './bucket/s3fs-adapter.js';

/** Buckets of any S3-compatible store through s3fs on the host. */
export const s3Backend = bucketBackend(s3Kind);
