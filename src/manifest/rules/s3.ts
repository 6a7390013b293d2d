import type { Segment } from '../field-path.js';
import type { IssueList, PendingWarning } from '../issues.js';
import type { Obj } from '../loose.js';
import { checkBucket, type BucketFlavour } from './ossfs.js';

const S3: BucketFlavour = {
  bucket: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  bucketChars: 'a-z, 0-9, "." and "-"',
  regionExample: 'eu-west-1',
  provider: 'S3',
  idVar: 'AWS_ACCESS_KEY_ID',
  secretVar: 'AWS_SECRET_ACCESS_KEY',
  tool: () => 's3fs',
};

/** An s3 volume: the ossfs checks, with S3's bucket names, the s3fs option allow-list and AWS credential variables. */
export function checkS3(o: Obj, at: Segment[], issues: IssueList, warnings: PendingWarning[]): void {
  checkBucket(o, at, issues, warnings, S3);
}
