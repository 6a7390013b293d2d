#!/usr/bin/env node
// Generates docs/manifest-reference.md from schemas/sandbox.schema.json (one table per object).
// `--check` exits 1 when the committed document is stale.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeOrCheck } from './generated-file.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemaFile = join(root, 'schemas/sandbox.schema.json');
const outFile = join(root, 'docs/manifest-reference.md');

const RULES = `## Rules beyond the schema

Every problem is reported at once as \`file:line:column  path  error[CODE]: message\` (exit code 2).

- \`id\`, container and volume names: \`[A-Za-z0-9][A-Za-z0-9_.-]\` (ids up to 128, names up to 64 characters), no \`..\`, \`/\`, \`\\\` or surrounding spaces.
  Sandbox ids are unique across all inputs; container names and volume names are unique in their sandbox.
- Every volume has exactly one backend; every \`volume_mounts[].name\` names a volume of \`spec.volumes\`.
- \`mount_path\` (volume mounts and \`tmpfs\`): absolute, clean (no \`.\`, \`..\`, \`//\`, trailing \`/\`), not \`/\`, no \`:\` or \`,\`,
  not under \`/proc\`, \`/sys\`, \`/dev\`; unique per container. Volume mounts may not use \`/tmp\` or below; a \`tmpfs\` entry may.
- \`sub_path\`: relative, clean, no \`..\` component, no NUL or backslash; not for tmpfs (\`ephemeral_storage\`) volumes.
- \`host.path\` and \`work_dir\`: absolute and clean.
- Quantities must be greater than 0; \`cpu\` at least \`10m\`, \`memory\` at least \`6Mi\` (Docker's minimums). A byte quantity
  with the milli suffix (\`memory: 128m\`) is rejected with "did you mean 128Mi?".
- \`env\` entries are \`KEY=VALUE\` with a key of letters, digits, \`_\`, \`.\`, \`-\`, not starting with a digit.
- \`cap_add\`/\`cap_drop\` names are upper case; \`security_opt\` and \`tmpfs[].options\` accept the values listed above.
  \`tmpfs\` sizes in sandboxd units the kernel does not know (\`mi\`, \`kb\`, \`b\`...) are converted to bytes.
- \`ports\`: \`container_port\` and \`host_port\` are unique per protocol.
- \`readiness_probe.path\` only with \`protocol: http\`, starting with \`/\`.
- \`ossfs\`: bucket \`[a-z0-9][a-z0-9-]{1,61}[a-z0-9]\`; endpoint \`http\` or \`https\` without spaces or shell metacharacters;
  a clean \`path\`; \`options\` without a leading \`-\`, shell metacharacters, quotes or line breaks; inline credentials
  come in pairs, may not contain line breaks, NUL or \`:\`, and produce a warning. Credentials never appear in any output.
- \`metadata.labels\` keys may not start with \`dev.sbx.\` (sbx's own labels).
`;

export function generate(schema = JSON.parse(readFileSync(schemaFile, 'utf8'))) {
  const resolve = (s) => (s && s.$ref ? schema.definitions[s.$ref.replace('#/definitions/', '')] : s);
  const anchor = (title) => title.toLowerCase().replace(/[^a-z0-9_ -]/g, '').replace(/ /g, '-'); // GitHub's heading ids
  const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const sections = [];

  function typeOf(prop, childTitle) {
    const s = resolve(prop);
    if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
    if (s.enum) return [...new Set(s.enum.map((v) => (/^[a-z]+$/i.test(v) ? v.toLowerCase() : v)))].map((v) => `\`${JSON.stringify(v)}\``).join(' \\| ');
    if (Array.isArray(s.type)) return s.type.includes('string') && s.type.includes('number') ? 'quantity (string or number)' : s.type.join(' \\| ');
    if (s.type === 'array') {
      const items = resolve(s.items);
      return items.properties ? `list of [${childTitle}](#${anchor(childTitle)})` : `list of ${items.type}`;
    }
    if (s.type === 'object') {
      if (s.properties) return `[${childTitle}](#${anchor(childTitle)})`;
      if (s.additionalProperties && s.additionalProperties.type) return `map of ${s.additionalProperties.type}`;
      return 'mapping';
    }
    if (s.type === 'integer' && s.minimum !== undefined) {
      return s.maximum !== undefined && s.maximum <= 65535 ? `integer (${s.minimum}-${s.maximum})` : `integer (>= ${s.minimum})`;
    }
    return s.type;
  }

  function walk(title, objSchema) {
    const s = resolve(objSchema);
    const required = new Set(s.required ?? []);
    const rows = [];
    const children = [];
    for (const [key, prop] of Object.entries(s.properties)) {
      const p = resolve(prop);
      const childTitle = `${title === 'Sandbox' ? '' : `${title}.`}${key}${p.type === 'array' ? '[]' : ''}`;
      const def = p.default !== undefined ? `\`${JSON.stringify(p.default)}\`` : '';
      rows.push(`| \`${key}\` | ${typeOf(prop, childTitle)} | ${required.has(key) ? 'yes' : 'no'} | ${def} | ${cell(p.description ?? '')} |`);
      if (p.type === 'object' && p.properties) children.push([childTitle, p]);
      if (p.type === 'array' && resolve(p.items).properties) children.push([childTitle, resolve(p.items)]);
    }
    sections.push([`## ${title}`, '', cell(s.description ?? ''), '', '| key | type | required | default | description |', '|---|---|---|---|---|', ...rows, ''].join('\n'));
    for (const [t, child] of children) walk(t, child);
  }

  walk('Sandbox', schema);
  return [
    '# Manifest reference',
    '',
    '<!-- GENERATED by scripts/gen-manifest-reference.mjs from schemas/sandbox.schema.json. Do not edit. -->',
    '',
    'Keys are snake_case; unknown keys are errors (`UNKNOWN_FIELD`, with a "did you mean" hint).',
    'Quantities use Kubernetes syntax: `100m`, `0.5`, `2` (cpu); `128Mi`, `1Gi`, `1G`, `1e9` (bytes).',
    'A byte quantity with the milli suffix (`128m`) is rejected. One file may hold several documents (`---`).',
    'Rules beyond the shape are checked after the schema; see [Rules beyond the schema](#rules-beyond-the-schema).',
    '',
    ...sections,
    RULES,
  ].join('\n');
}

writeOrCheck(import.meta.url, outFile, generate, 'node scripts/gen-manifest-reference.mjs');
