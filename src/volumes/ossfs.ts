import { bucketBackend } from './bucket/index.js';
import { ossfsKind } from './bucket/ossfs-adapters.js';

/** OSS buckets through ossfs 1.0 or ossfs 2.0 on the host. */
export const ossfsBackend = bucketBackend(ossfsKind);
