import type { Segment } from '../field-path.js';
import type { IssueList } from '../issues.js';

/** Linux's MAX_ARG_STRLEN: one argument of execve, its terminating NUL included. */
export const MAX_ARG_BYTES = 128 * 1024;
/** Room for what sbx puts before a value in the same argument (`KEY=` of a label, `PATH:` of a tmpfs, `--mount` fields). */
const PREFIX_ROOM = 1024;
export const MAX_VALUE_BYTES = MAX_ARG_BYTES - 1 - PREFIX_ROOM;

/**
 * Every manifest string reaches docker as (part of) one argv element; one past Linux's limit fails
 * with E2BIG at exec, after other objects were created. Keys are checked too (labels are `key=value`).
 */
export function checkArgumentSizes(value: unknown, path: Segment[], issues: IssueList): void {
  if (typeof value === 'string') {
    const bytes = Buffer.byteLength(value);
    if (bytes > MAX_VALUE_BYTES) {
      issues.add(path, `is ${bytes} bytes, too long for one command-line argument (at most ${MAX_VALUE_BYTES} bytes: Linux's limit is 128 KiB per argument)`);
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => checkArgumentSizes(v, [...path, i], issues));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (Buffer.byteLength(k) > MAX_VALUE_BYTES) issues.add([...path, k], `the key is ${Buffer.byteLength(k)} bytes, too long for one command-line argument (at most ${MAX_VALUE_BYTES} bytes)`);
      else checkArgumentSizes(v, [...path, k], issues);
    }
  }
}
