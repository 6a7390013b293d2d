import { SbxError, type ErrorCode } from '../errors.js';

const RULES: Array<[RegExp, ErrorCode]> = [
  [/Cannot connect to the Docker daemon|error during connect|Is the docker daemon running|dial unix .*docker\.sock|connection refused/i, 'DOCKER_UNAVAILABLE'],
  [/No such image|Unable to find image|pull access denied|repository does not exist|manifest unknown|not found: manifest/i, 'IMAGE_NOT_FOUND'],
  [/is already in use by container|Conflict\. The container name|network with name .* already exists|already exists/i, 'NAME_CONFLICT'],
  [/No such container|No such object|No such volume|No such network|not found/i, 'NOT_FOUND'],
];

const PULL_RULES: Array<[RegExp, 'IMAGE_NOT_FOUND' | 'IMAGE_PULL_DENIED']> = [
  [/unauthorized|authentication required|no basic auth credentials|denied|forbidden|incorrect username or password/i, 'IMAGE_PULL_DENIED'],
  [/manifest unknown|not found: manifest|manifest for .* not found|name unknown|repository .* not found|No such image|invalid reference format/i, 'IMAGE_NOT_FOUND'],
];

/**
 * `docker pull`'s stderr → its code: no such image or tag, authentication required or denied, or
 * anything else (registry unreachable, TLS, timeouts) as a failed pull — never DOCKER_UNAVAILABLE,
 * whose "connection refused" here means the registry, not the engine.
 */
export function classifyPullStderr(stderr: string): 'IMAGE_NOT_FOUND' | 'IMAGE_PULL_DENIED' | 'IMAGE_PULL_FAILED' {
  for (const [re, code] of PULL_RULES) if (re.test(stderr)) return code;
  return 'IMAGE_PULL_FAILED';
}

/** Map docker's stderr to a stable error code (SPEC §3). */
export function classifyDockerStderr(stderr: string): ErrorCode {
  for (const [re, code] of RULES) if (re.test(stderr)) return code;
  return 'DOCKER_FAILED';
}

export function dockerError(argv: readonly string[], stderr: string, what?: string): SbxError {
  const code = classifyDockerStderr(stderr);
  const msg = lastMeaningfulLines(stderr) || 'docker exited with an error';
  const step = what ?? `docker ${argv.slice(0, 2).join(' ')}`;
  return new SbxError(code, `${step}: ${msg}`);
}

function lastMeaningfulLines(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-3)
    .join(' | ')
    .replace(/^Error response from daemon:\s*/i, '')
    .replace(/^docker: Error response from daemon:\s*/i, '');
}
