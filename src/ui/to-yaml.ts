import { stringify } from 'yaml';

/** `-o yaml`. Apart from format.ts so that commands printing no YAML do not load the YAML library. */
export function toYaml(data: unknown): string {
  return stringify(data, { lineWidth: 0 });
}
