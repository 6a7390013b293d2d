#!/usr/bin/env node
// Benchmarks sbx against a hand-written sequential docker script in the same run, alternating
// between them, and reports medians and per-pair ratios (these machines are noisy: only ratios count).
//   node bench/run.mjs [--rounds N] [--out docs/benchmarks.md]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';
import { chartSvg } from './chart.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SBX = path.join(ROOT, 'bin/sbx');
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const ROUNDS = Number(opt('--rounds', '5'));
const OUT = path.resolve(ROOT, opt('--out', 'docs/benchmarks.md'));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'sbx-bench-'));
const env = { ...process.env, NO_COLOR: '1', SBX_STATE_DIR: path.join(tmp, 'state') };
const IMAGE = 'sbx-test/busybox:1';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (n) => `${n.toFixed(0)} ms`;

function timed(file, argv, extraEnv = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(file, argv, { env: { ...env, ...extraEnv }, encoding: 'utf8' });
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${file} ${argv.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return elapsed;
}
const sbx = (argv, extraEnv) => timed(process.execPath, [SBX, ...argv], extraEnv);

/** The shared-volume example, its id replaced; `containers` > its own count clones its first container. */
function manifestFile(id, containers) {
  const doc = parseAllDocuments(readFileSync(path.join(ROOT, 'manifests/shared-volume.yaml'), 'utf8'))[0].toJSON();
  doc.id = id;
  if (containers) {
    const first = doc.spec.containers[0];
    doc.spec.containers = Array.from({ length: containers }, (_, i) => ({ ...first, name: `c${i + 1}` }));
  }
  const file = path.join(tmp, `${id}.yaml`);
  writeFileSync(file, stringify(doc));
  return { file, count: doc.spec.containers.length };
}

function pauseImage() {
  // The first apply builds sbx's local pause image; the hand-written script reuses it.
  const { file } = manifestFile('bench-warmup');
  sbx(['apply', '-f', file]);
  sbx(['delete', 'bench-warmup']);
  return execFileSync('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', '--filter', 'reference=sbx-pause'], { encoding: 'utf8' }).trim().split('\n')[0];
}

function cycle(label, containers, pause) {
  const rows = [];
  for (let i = 0; i < ROUNDS; i++) {
    const id = `bench-${label}-${i}`;
    const { file, count } = manifestFile(id, containers);
    const hw = path.join(ROOT, 'bench/handwritten.sh');
    const run = {
      sbx: () => sbx(['apply', '-f', file]) + sbx(['delete', id]),
      script: () => timed(hw, ['up', id, String(count), IMAGE, pause]) + timed(hw, ['down', id, String(count)]),
      floor: () => timed(hw, ['up-parallel', `${id}-p`, String(count), IMAGE, pause]) + timed(hw, ['down', `${id}-p`, String(count)]),
    };
    // Rotate which goes first so drift (page cache, engine state) does not favour one side.
    const kinds = ['sbx', 'script', 'floor'];
    const order = [...kinds.slice(i % 3), ...kinds.slice(0, i % 3)];
    const r = {};
    for (const k of order) r[k] = run[k]();
    rows.push(r);
  }
  return {
    label,
    sbx: median(rows.map((r) => r.sbx)),
    script: median(rows.map((r) => r.script)),
    floor: median(rows.map((r) => r.floor)),
    ratio: median(rows.map((r) => r.sbx / r.script)),
    floorRatio: median(rows.map((r) => r.floor / r.script)),
    overFloor: median(rows.map((r) => r.sbx / r.floor)),
  };
}

const counted = (argv) => {
  const log = path.join(tmp, `calls-${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(log, '');
  const elapsed = sbx(argv, { SBX_DOCKER: path.join(ROOT, 'bench/count-docker.sh'), SBX_BENCH_LOG: log });
  return { elapsed, calls: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
};
const MUTATING = /^(?:(?:--context \S+ )?)(run|create|start|stop|rm|rename|kill|volume (create|rm)|network (create|rm|connect|disconnect)|import|pull)\b/;

function noopReapply() {
  const { file } = manifestFile('bench-noop');
  sbx(['apply', '-f', file]);
  // Timed without the recording wrapper (a bash process per call would be measured too); counted apart.
  // Floor: what any Node CLI pays to ask docker once — start Node, then one `docker ps` like sbx's.
  const ps = ['ps', '-a', '--no-trunc', '--filter', 'label=dev.sbx.sandbox=bench-noop', '--format', '{{.ID}}{{.Names}}{{.Labels}}'];
  const pairs = Array.from({ length: Math.max(10, ROUNDS * 2) }, (_, i) => {
    const a = () => sbx(['apply', '-f', file]);
    const b = () => timed(process.execPath, ['-e', '0']) + timed('docker', ps);
    return i % 2 ? { floor: b(), sbx: a() } : { sbx: a(), floor: b() };
  });
  const { calls } = counted(['apply', '-f', file]);
  sbx(['delete', 'bench-noop']);
  return {
    wall: median(pairs.map((p) => p.sbx)),
    floor: median(pairs.map((p) => p.floor)),
    ratio: median(pairs.map((p) => p.sbx / p.floor)),
    calls: calls.length,
    mutating: calls.filter((c) => MUTATING.test(c)).length,
  };
}

function listing() {
  const ids = Array.from({ length: 50 }, (_, i) => `bench-ls-${i}`);
  const { file } = manifestFile(ids[0]);
  sbx(['apply', '-f', file]);
  const one = Array.from({ length: ROUNDS }, () => counted(['ls']));
  for (const id of ids.slice(1)) sbx(['apply', '-f', manifestFile(id).file]);
  const fifty = Array.from({ length: ROUNDS }, () => counted(['ls']));
  sbx(['delete', ...ids]);
  return {
    one: median(one.map((r) => r.elapsed)),
    fifty: median(fifty.map((r) => r.elapsed)),
    callsOne: Math.max(...one.map((r) => r.calls.length)),
    callsFifty: Math.max(...fifty.map((r) => r.calls.length)),
  };
}

function coldStart() {
  const file = path.join(ROOT, 'manifests/shared-volume.yaml');
  const pairs = Array.from({ length: Math.max(10, ROUNDS * 2) }, (_, i) => {
    const a = () => timed(process.execPath, ['-e', '0']);
    const b = () => sbx(['validate', '-f', file]);
    return i % 2 ? { node: a(), sbx: b() } : { sbx: b(), node: a() };
  });
  return { node: median(pairs.map((p) => p.node)), sbx: median(pairs.map((p) => p.sbx)), ratio: median(pairs.map((p) => p.sbx / p.node)) };
}

function main() {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const pause = pauseImage();
  const results = {
    shared: cycle('shared', undefined, pause),
    ten: cycle('ten', 10, pause),
    noop: noopReapply(),
    ls: listing(),
    cold: coldStart(),
  };
  const report = renderReport(results);
  writeFileSync(OUT, report.md);
  writeFileSync(OUT.replace(/\.md$/, '.svg'), report.svg);
  process.stdout.write(report.text);
  rmSync(tmp, { recursive: true, force: true });
}

const FLOOR_NOTES = `Where *floor / sequential* is above a target, the target cannot be met on this machine by any
CLI-driven tool: the engine serialises most of container start-up (on 2 CPUs, parallel \`docker run\`s
of containers joining one network namespace finish barely sooner than sequential ones), and the infra
container's start, which creates the network namespace, comes before every other container.`;

function renderReport(r) {
  const check = (ok) => (ok ? 'met' : 'NOT met');
  const rows = [
    ['apply+delete, shared-volume', `${ms(r.shared.sbx)}`, `${ms(r.shared.script)}`, r.shared.ratio.toFixed(2), '≤ 0.85', check(r.shared.ratio <= 0.85)],
    ['apply+delete, 10 containers', `${ms(r.ten.sbx)}`, `${ms(r.ten.script)}`, r.ten.ratio.toFixed(2), '≤ 0.60', check(r.ten.ratio <= 0.6)],
    ['no-op re-apply (wall; baseline: `node -e 0` + one `docker ps`)', ms(r.noop.wall), ms(r.noop.floor), r.noop.ratio.toFixed(2), '≤ 300 ms', check(r.noop.wall <= 300)],
    ['no-op re-apply (docker calls / mutating)', `${r.noop.calls} / ${r.noop.mutating}`, '', '', '0 mutating', check(r.noop.mutating === 0)],
    ['sbx ls, 50 vs 1 sandboxes', `${ms(r.ls.fifty)} / ${ms(r.ls.one)}`, '', (r.ls.fifty / r.ls.one).toFixed(2), '≤ 2.00', check(r.ls.fifty / r.ls.one <= 2)],
    ['sbx ls docker invocations (50 / 1)', `${r.ls.callsFifty} / ${r.ls.callsOne}`, '', '', '≤ 3, constant', check(r.ls.callsFifty <= 3 && r.ls.callsFifty === r.ls.callsOne)],
    ['validate cold start vs node -e 0', ms(r.cold.sbx), ms(r.cold.node), r.cold.ratio.toFixed(2), '≤ 2.00', check(r.cold.ratio <= 2)],
  ];
  const header = '| measurement | sbx | baseline | ratio (median of pairs) | target | |\n|---|---|---|---|---|---|\n';
  const table = header + rows.map((row) => `| ${row.join(' | ')} |`).join('\n') + '\n';
  const floorRows = [r.shared, r.ten].map(
    (c) => `| ${c === r.shared ? 'shared-volume' : '10 containers'} | ${ms(c.script)} | ${ms(c.floor)} | ${c.floorRatio.toFixed(2)} | ${ms(c.sbx)} | ${c.overFloor.toFixed(2)} |`,
  );
  const floorTable =
    '| apply+delete | sequential script | parallel script (floor) | floor / sequential | sbx | sbx / floor |\n|---|---|---|---|---|---|\n' + floorRows.join('\n') + '\n';
  const svg = chartSvg([
    { label: 'shared-volume apply+delete', sbx: r.shared.sbx, base: r.shared.script },
    { label: '10 containers apply+delete', sbx: r.ten.sbx, base: r.ten.script },
    { label: 'validate cold start', sbx: r.cold.sbx, base: r.cold.node },
  ]);
  const machine = `${os.cpus().length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${execFileSync('docker', ['version', '--format', 'Docker {{.Server.Version}} (API {{.Server.APIVersion}})'], { encoding: 'utf8' }).trim()}`;
  const md = `# Benchmarks

Generated by \`node bench/run.mjs --rounds ${ROUNDS}\` on ${new Date().toISOString().slice(0, 10)} (${machine}).
Each pair runs sbx and the hand-written sequential docker script (\`bench/handwritten.sh\`) back to back,
alternating which goes first; the ratio column is the median of the per-pair ratios. Absolute times vary
between machines and runs; the ratios are what the targets are about.

${table}
![sbx vs baseline](benchmarks.svg)

## What bounds the apply+delete ratios

The same run also times \`bench/handwritten.sh up-parallel\`: the hand-written script with every
independent call issued at once (tmpfs volume beside the infra container, then all containers). No tool
that drives the docker CLI against this engine can do better than that script, so *floor / sequential*
is the best ratio reachable here and *sbx / floor* is what sbx itself adds (Node start-up twice, the
observation that makes apply idempotent and delete complete, the engine facts, the lock).

${floorTable}
${FLOOR_NOTES}

The no-op re-apply row has the same kind of floor: starting Node and running one \`docker ps\` — what
any Node CLI that asks Docker once must pay — already takes ${ms(r.noop.floor)} here, so
${r.noop.floor >= 300 ? 'the 300 ms target is below what this machine allows' : `sbx's ${ms(r.noop.wall)} is ${r.noop.ratio.toFixed(2)}× that floor`}.
sbx answers a re-apply of an unchanged file from the note its last apply left (README, "Re-applying an
unchanged file is one \`docker ps\`"): a small CommonJS entry hashes the file, runs that one \`docker ps\`
and compares container ids, before the CLI, the YAML parser and the schema validator load.
`;
  return { md, svg, text: table + '\n' + floorTable };
}

main();
