#!/usr/bin/env node
// What network policies add to apply+delete of a one-container sandbox: egress: false (no network),
// egress: true (bridge + nftables reject list) and an allow-list (+ the per-sandbox DNS helper),
// alternating, medians; the target is an allow-list within 10% of egress: true.
//   node bench/egress.mjs [--rounds N]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SBX = path.join(ROOT, 'bin/sbx');
const args = process.argv.slice(2);
const ROUNDS = Number(args.includes('--rounds') ? args[args.indexOf('--rounds') + 1] : '5');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'sbx-bench-egress-'));
const env = { ...process.env, NO_COLOR: '1', SBX_STATE_DIR: path.join(tmp, 'state') };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function sbx(argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [SBX, ...argv], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sbx ${argv.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const KINDS = {
  'egress: false': false,
  'egress: true': true,
  'allow-list': { allow: ['pypi.org', '*.pythonhosted.org', '203.0.113.0/24', '198.51.100.7/32:5432'] },
};

function file(id, egress) {
  const doc = {
    apiVersion: 'sandboxd.o/v1',
    kind: 'Sandbox',
    id,
    spec: { egress, containers: [{ name: 'app', image: 'sbx-test/busybox:1', args: ['sleep', '3600'], resource: { cpu: '100m', memory: '64Mi' } }] },
  };
  const f = path.join(tmp, `${id}.yaml`);
  writeFileSync(f, stringify(doc));
  return f;
}

const times = Object.fromEntries(Object.keys(KINDS).map((k) => [k, []]));
sbx(['apply', '-f', file('bench-egress-warmup', true)]);
sbx(['delete', 'bench-egress-warmup']);
for (let i = 0; i < ROUNDS; i++) {
  const names = Object.keys(KINDS);
  // Rotate the order so drift does not favour one kind.
  for (const k of [...names.slice(i % names.length), ...names.slice(0, i % names.length)]) {
    const id = `bench-egress-${names.indexOf(k)}-${i}`;
    times[k].push(sbx(['apply', '-f', file(id, KINDS[k])]) + sbx(['delete', id]));
  }
}
const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
for (const k of Object.keys(KINDS)) console.log(`${k.padEnd(14)} apply+delete median ${m[k].toFixed(0)} ms (${ROUNDS} rounds)`);
console.log(`allow-list over egress: true: ${(((m['allow-list'] - m['egress: true']) / m['egress: true']) * 100).toFixed(1)}%`);
console.log(`egress: true over egress: false: ${(((m['egress: true'] - m['egress: false']) / m['egress: false']) * 100).toFixed(1)}%`);
