import type { Segment } from '../field-path.js';
import type { IssueList } from '../issues.js';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * sandboxd's checks and messages for the sandbox id, container names and volume names:
 * required, no surrounding whitespace, no path characters, then the allow-list pattern.
 */
export function checkName(value: string, what: 'id' | 'container name' | 'volume name', path: Segment[], issues: IssueList): boolean {
  const pattern = what === 'id' ? ID_PATTERN : NAME_PATTERN;
  const allowed = what === 'id' ? '[A-Za-z0-9][A-Za-z0-9_.-]{0,127}' : '[A-Za-z0-9][A-Za-z0-9_.-]{0,63}';
  if (value.trim() === '') {
    issues.add(path, `${what} is required`);
    return false;
  }
  if (value.trim() !== value) {
    issues.add(path, `${what} must not contain leading or trailing whitespace`);
    return false;
  }
  if (value.includes('/') || value.includes('\\') || value.includes('..')) {
    issues.add(path, `${what} contains invalid path characters`, 'no "/", "\\" or ".."');
    return false;
  }
  if (!pattern.test(value)) {
    issues.add(path, `${what} contains unsupported characters`, `must match ${allowed}`);
    return false;
  }
  return true;
}

/** Docker's rule for volume names (pvc claim_name). */
export const DOCKER_VOLUME_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]+$/;
