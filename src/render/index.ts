import { stringify } from 'yaml';
import type { RenderResult } from './kubernetes.js';

export type { KubernetesObject, RenderNote, RenderOptions, RenderResult } from './kubernetes.js';

/**
 * yaml: one document per object, "---" between them; json: a v1 List, as `kubectl get -o json` prints.
 * YAML is written for YAML 1.1 readers (kubectl's), so strings like yes, on or 12:30 are quoted.
 */
export function renderToText(result: RenderResult, format: 'yaml' | 'json'): string {
  if (format === 'json') return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: result.objects }, null, 2)}\n`;
  return result.objects.map((o) => stringify(o, { lineWidth: 0, version: '1.1', aliasDuplicateObjects: false })).join('---\n');
}
