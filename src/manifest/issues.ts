import type { Segment } from './field-path.js';

/** A problem found in one document, before it is given a file position. */
export interface Issue {
  code: 'MANIFEST_INVALID' | 'UNKNOWN_FIELD';
  path: Segment[];
  message: string;
  hint?: string;
  /** Point at the key rather than the value (unknown fields). */
  onKey?: boolean;
}

export class IssueList {
  readonly items: Issue[] = [];
  add(path: Segment[], message: string, hint?: string): void {
    this.items.push({ code: 'MANIFEST_INVALID', path, message, hint });
  }
}

/** A non-fatal finding (e.g. inline credentials), positioned like an issue. */
export interface PendingWarning {
  path: Segment[];
  message: string;
}
