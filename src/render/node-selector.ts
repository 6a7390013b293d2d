import type { Sandbox } from '../manifest/model.js';
import { isLabelValue, isQualifiedName } from './names.js';
import type { Note } from './notes.js';

/**
 * sandboxd's spec.node_selector is ignored on one Docker host but means what it says on Kubernetes.
 * The model leaves it out, so it is read from the manifest as written.
 */
export function nodeSelector(sandbox: Sandbox, note: Note): Record<string, string> | undefined {
  const spec = sandbox.manifest.spec as { node_selector?: unknown } | undefined;
  const raw = spec?.node_selector;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'string' && isQualifiedName(key) && isLabelValue(value)) out[key] = value;
    else note(`spec.node_selector.${key}`, 'not a valid Kubernetes label selector term; left out');
  }
  return Object.keys(out).length ? out : undefined;
}
