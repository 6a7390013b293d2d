import type { Note } from './notes.js';
import { isLabelValue, isQualifiedName, toLabelValue } from './names.js';

export const SANDBOX_LABEL = 'sbx.dev/sandbox';
export const SANDBOX_ID_ANNOTATION = 'sbx.dev/sandbox-id';
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'sbx' } as const;

export interface SandboxMetadata {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  selector: Record<string, string>;
}

/**
 * Docker accepts any label; Kubernetes restricts keys and values. Valid labels are copied, a label
 * with an invalid value becomes an annotation, one with an invalid key is left out — each with a note.
 */
export function sandboxMetadata(id: string, userLabels: Record<string, string>, note: Note): SandboxMetadata {
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  for (const [key, value] of Object.entries(userLabels)) {
    const path = `metadata.labels.${key}`;
    if (!isQualifiedName(key)) {
      note(path, 'not a valid Kubernetes label key ([prefix/]name, name at most 63 characters of [A-Za-z0-9_.-]); left out');
    } else if (!isLabelValue(value)) {
      annotations[key] = value;
      note(path, 'value is not a valid Kubernetes label value (at most 63 characters of [A-Za-z0-9_.-]); copied as an annotation');
    } else {
      labels[key] = value;
    }
  }
  const sandboxValue = toLabelValue(id);
  if (sandboxValue !== id) {
    annotations[SANDBOX_ID_ANNOTATION] = id;
    note('id', `too long or ends with a symbol for a label value; label ${SANDBOX_LABEL}=${sandboxValue}, the id is kept in annotation ${SANDBOX_ID_ANNOTATION}`);
  }
  const selector = { [SANDBOX_LABEL]: sandboxValue };
  return { labels: { ...labels, ...MANAGED_BY, ...selector }, annotations, selector };
}
