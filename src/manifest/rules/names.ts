import type { Segment } from '../field-path.js';
import type { IssueList } from '../issues.js';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export type NameKind = 'id' | 'container name' | 'volume name';

/**
 * sandboxd's checks and messages for the sandbox id, container names and volume names:
 * required, no surrounding whitespace, no path characters, then the allow-list pattern.
 */
export function nameProblem(value: string, what: NameKind): { message: string; hint?: string } | undefined {
  const pattern = what === 'id' ? ID_PATTERN : NAME_PATTERN;
  const allowed = what === 'id' ? '[A-Za-z0-9][A-Za-z0-9_.-]{0,127}' : '[A-Za-z0-9][A-Za-z0-9_.-]{0,63}';
  if (value.trim() === '') return { message: `${what} is required` };
  if (value.trim() !== value) return { message: `${what} must not contain leading or trailing whitespace` };
  if (value.includes('/') || value.includes('\\') || value.includes('..')) return { message: `${what} contains invalid path characters`, hint: 'no "/", "\\" or ".."' };
  if (!pattern.test(value)) return { message: `${what} contains unsupported characters`, hint: `must match ${allowed}` };
  return undefined;
}

export function checkName(value: string, what: NameKind, path: Segment[], issues: IssueList): boolean {
  const problem = nameProblem(value, what);
  if (problem) issues.add(path, problem.message, problem.hint);
  return !problem;
}

/** Docker's rule for volume names (pvc claim_name). */
export const DOCKER_VOLUME_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]+$/;
