import type { Segment } from '../field-path.js';
import type { IssueList, PendingWarning } from '../issues.js';
import { arr, has, str, type Obj } from '../loose.js';
import { mountOptionProblems, type MountTool } from '../mount-options.js';

const BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Characters that must never reach a mount command line or config file. */
const UNSAFE = /[;|&$`<>'"()\\\n\r\0\s]/;

/** What differs between the bucket kinds' manifest checks. */
export interface BucketFlavour {
  bucket: RegExp;
  bucketChars: string;
  regionExample: string;
  /** Credentials' provider name and the variables used when the manifest has none. */
  provider: string;
  idVar: string;
  secretVar: string;
  tool: (o: Obj) => MountTool;
}

const OSSFS: BucketFlavour = {
  bucket: BUCKET,
  bucketChars: 'a-z, 0-9 and "-"',
  regionExample: 'cn-hangzhou',
  provider: 'OSS',
  idVar: 'OSS_ACCESS_KEY_ID',
  secretVar: 'OSS_ACCESS_KEY_SECRET',
  tool: (o) => (str(o.version) === '1.0' ? 'ossfs 1.0' : 'ossfs 2.0'),
};

export function checkOssfs(o: Obj, at: Segment[], issues: IssueList, warnings: PendingWarning[]): void {
  checkBucket(o, at, issues, warnings, OSSFS);
}

/** Bucket, endpoint, path, region, options (with the tool's allow-list) and credentials of a bucket volume. */
export function checkBucket(o: Obj, at: Segment[], issues: IssueList, warnings: PendingWarning[], f: BucketFlavour): void {
  const bucket = str(o.bucket);
  if (bucket !== undefined && !f.bucket.test(bucket)) {
    issues.add([...at, 'bucket'], `invalid bucket name (3-63 of ${f.bucketChars}, starting and ending with a letter or digit)`);
  }
  const endpoint = str(o.endpoint);
  if (endpoint !== undefined) {
    const e = endpoint.trim();
    const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(e)?.[1]?.toLowerCase();
    if (e === '') issues.add([...at, 'endpoint'], 'endpoint is required');
    else if (UNSAFE.test(e)) issues.add([...at, 'endpoint'], 'endpoint must not contain whitespace or shell metacharacters');
    else if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') issues.add([...at, 'endpoint'], `unsupported endpoint scheme "${scheme}" (http or https)`);
    else if (e.replace(/^[a-zA-Z]+:\/\//, '').replace(/\/+$/, '') === '') issues.add([...at, 'endpoint'], 'endpoint has no host');
  }
  const path = str(o.path);
  if (path !== undefined) {
    const prefix = path.replace(/^\/+|\/+$/g, '');
    const parts = prefix === '' ? [] : prefix.split('/');
    if (/[\0\n\r\\]/.test(path)) issues.add([...at, 'path'], 'bucket path must not contain NUL, line breaks or backslashes');
    else if (parts.some((p) => p === '' || p === '.' || p === '..')) issues.add([...at, 'path'], 'bucket path must be clean (no ".", ".." or "//")');
  }
  const region = str(o.region);
  if (region !== undefined && !REGION.test(region)) issues.add([...at, 'region'], `invalid region (e.g. ${f.regionExample})`);
  const tool = f.tool(o);
  arr(o.options).forEach((raw, i) => {
    const entry = str(raw);
    if (entry === undefined) return;
    for (const { option, problem } of mountOptionProblems(entry.trim(), tool)) {
      issues.add([...at, 'options', i], option === entry.trim() ? `option ${problem}` : `option "${option}" ${problem}`);
    }
  });
  checkCredentials(o, at, issues, warnings, f);
}

function checkCredentials(o: Obj, at: Segment[], issues: IssueList, warnings: PendingWarning[], f: BucketFlavour): void {
  const fields = ['access_key_id', 'access_key_secret'] as const;
  const present = fields.filter((f) => has(o, f));
  for (const f of present) {
    const value = str(o[f]);
    if (value === undefined) continue;
    if (value === '') issues.add([...at, f], `${f} must not be empty`);
    else if (/[\n\r\0:]/.test(value)) issues.add([...at, f], `${f} must not contain line breaks, NUL or ":"`);
  }
  if (present.length === 1) {
    const missing = fields.find((f) => !present.includes(f))!;
    issues.add([...at, missing], `${missing} is required when ${present[0]} is given`, `give both inline credentials, or neither to use ${f.idVar}/${f.secretVar}`);
  }
  if (present.length > 0) {
    warnings.push({
      path: [...at, present[0]],
      message: `inline ${f.provider} credentials in the manifest; prefer ${f.idVar} and ${f.secretVar} in the environment`,
    });
  }
}
