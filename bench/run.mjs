#!/usr/bin/env node
// Benchmarks sbx against a hand-written docker script in the same run — sequential, and with every
// independent call at once (the floor) — alternating between them, and reports medians and per-pair
// ratios (these machines are noisy: only ratios count).
//   node bench/run.mjs [--rounds N] [--sizes 1,5,10,20] [--many-rounds N] [--out docs/benchmarks.md]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';
import { chartSvg } from './chart.mjs';
import { lineChart, measureMany } from './many.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SBX = path.join(ROOT, 'bin/sbx');
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const ROUNDS = Number(opt('--rounds', '5'));
const SIZES = opt('--sizes', '1,5,10,20').split(',').map(Number);
const MANY_ROUNDS = Number(opt('--many-rounds', '3'));
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
      // What any Node CLI pays on top of the floor for two commands (apply, delete): starting Node twice.
      node: () => timed(process.execPath, ['-e', '0']) + timed(process.execPath, ['-e', '0']),
      // What a tool that reconciles must ask on top of that before its two commands (changes nothing).
      listings: () => timed(hw, ['listings', id, String(count), IMAGE, pause]),
    };
    // Rotate which goes first so drift (page cache, engine state) does not favour one side.
    const kinds = ['sbx', 'script', 'floor'];
    const order = [...kinds.slice(i % 3), ...kinds.slice(0, i % 3), 'node', 'listings'];
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
    nodeFloor: median(rows.map((r) => r.floor + r.node)),
    overNodeFloor: median(rows.map((r) => r.sbx / (r.floor + r.node))),
    reconcileFloor: median(rows.map((r) => r.floor + r.node + r.listings)),
    overReconcileFloor: median(rows.map((r) => r.sbx / (r.floor + r.node + r.listings))),
  };
}

// The recording wrapper is found on PATH as `docker`, as the real one is: sbx then asks its read-only
// questions of the engine's API (README, "Global options"), and only the docker processes it runs are counted.
const countingPath = path.join(tmp, 'counting-bin');
mkdirSync(countingPath, { recursive: true });
symlinkSync(path.join(ROOT, 'bench/count-docker.sh'), path.join(countingPath, 'docker'));
const realDocker = execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim();
const counted = (argv) => {
  const log = path.join(tmp, `calls-${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(log, '');
  const elapsed = sbx(argv, { PATH: `${countingPath}:${process.env.PATH}`, SBX_BENCH_REAL_DOCKER: realDocker, SBX_BENCH_LOG: log });
  return { elapsed, calls: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
};
const MUTATING = /^(?:(?:--context \S+ )?)(run|create|start|stop|rm|rename|kill|volume (create|rm)|network (create|rm|connect|disconnect)|import|pull)\b/;

function noopReapply() {
  const { file } = manifestFile('bench-noop');
  sbx(['apply', '-f', file]);
  // Timed without the recording wrapper (a bash process per call would be measured too); counted apart.
  // Floor: what any Node CLI pays to ask docker once — start Node, then one `docker ps` like sbx's.
  const ps = ['ps', '-a', '--no-trunc', '--filter', 'label=dev.sbx.sandbox=bench-noop', '--format', '{{.ID}}{{.Names}}{{.Labels}}'];
  // And a Node program that does nothing but run that `docker ps` (Node's child_process, pipes): the
  // least a Node CLI can do to answer from Docker.
  const nodePs = `require('node:child_process').execFileSync('docker', ${JSON.stringify(ps)}, { stdio: 'pipe' })`;
  const pairs = Array.from({ length: Math.max(10, ROUNDS * 2) }, (_, i) => {
    const run = {
      sbx: () => sbx(['apply', '-f', file]),
      floor: () => timed(process.execPath, ['-e', '0']) + timed('docker', ps),
      nodePs: () => timed(process.execPath, ['-e', nodePs]),
    };
    const order = Object.keys(run);
    for (let k = 0; k < i % order.length; k++) order.push(order.shift());
    return Object.fromEntries(order.map((k) => [k, run[k]()]));
  });
  const { calls } = counted(['apply', '-f', file]);
  sbx(['delete', 'bench-noop']);
  return {
    wall: median(pairs.map((p) => p.sbx)),
    floor: median(pairs.map((p) => p.floor)),
    ratio: median(pairs.map((p) => p.sbx / p.floor)),
    nodePs: median(pairs.map((p) => p.nodePs)),
    nodePsRatio: median(pairs.map((p) => p.nodePs / p.floor)),
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

async function main() {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const pause = pauseImage();
  const results = {
    shared: cycle('shared', undefined, pause),
    ten: cycle('ten', 10, pause),
    noop: noopReapply(),
    ls: listing(),
    cold: coldStart(),
    many: await measureMany({ sizes: SIZES, rounds: MANY_ROUNDS, pause, env, tmp }),
  };
  const report = renderReport(results);
  writeFileSync(OUT, report.md);
  writeFileSync(OUT.replace(/\.md$/, '.svg'), report.svg);
  writeFileSync(OUT.replace(/\.md$/, '-many.svg'), lineChart(results.many));
  process.stdout.write(report.text);
}

function renderReport(r) {
  const check = (ok) => (ok ? 'met' : 'NOT met');
  const ten = r.many.find((m) => m.n === 10);
  const lsRatio = r.ls.fifty / r.ls.one;
  const rows = [
    ['apply+delete, shared-volume: sbx / floor', ms(r.shared.sbx), ms(r.shared.floor), r.shared.overFloor.toFixed(2), '≤ 1.15', check(r.shared.overFloor <= 1.15)],
    ['apply+delete, shared-volume: sbx / sequential script', ms(r.shared.sbx), ms(r.shared.script), r.shared.ratio.toFixed(2), '≤ 1.00', check(r.shared.ratio <= 1)],
    ['apply+delete, 10 containers: sbx / floor', ms(r.ten.sbx), ms(r.ten.floor), r.ten.overFloor.toFixed(2), '≤ 1.05', check(r.ten.overFloor <= 1.05)],
    ...(ten
      ? [
          ['10 sandboxes, `apply -f DIR` + `delete --all`: sbx / floor', ms(ten.sbx), ms(ten.floor), ten.overFloor.toFixed(2), '≤ 1.15', check(ten.overFloor <= 1.15)],
          ['10 sandboxes: sbx / sequential script', ms(ten.sbx), ms(ten.sequential), ten.overSequential.toFixed(2), '≤ 0.60', check(ten.overSequential <= 0.6)],
        ]
      : []),
    ['no-op re-apply (baseline: `node -e 0` + one `docker ps`)', ms(r.noop.wall), ms(r.noop.floor), r.noop.ratio.toFixed(2), '≤ 1.10', check(r.noop.ratio <= 1.1)],
    ['no-op re-apply (docker processes / mutating; its listing is an API request)', `${r.noop.calls} / ${r.noop.mutating}`, '', '', '≤ 1 / 0', check(r.noop.calls <= 1 && r.noop.mutating === 0)],
    ['sbx ls, 50 vs 1 sandboxes', `${ms(r.ls.fifty)} / ${ms(r.ls.one)}`, '', lsRatio.toFixed(2), '≤ 1.50', check(lsRatio <= 1.5)],
    ['sbx ls docker processes (50 / 1; its listing is an API request)', `${r.ls.callsFifty} / ${r.ls.callsOne}`, '', '', '≤ 3, constant', check(r.ls.callsFifty <= 3 && r.ls.callsFifty === r.ls.callsOne)],
    ['validate cold start vs node -e 0', ms(r.cold.sbx), ms(r.cold.node), r.cold.ratio.toFixed(2), '≤ 2.00', check(r.cold.ratio <= 2)],
  ];
  const header = '| measurement | sbx | baseline | ratio (median of pairs) | target | |\n|---|---|---|---|---|---|\n';
  const table = header + rows.map((row) => `| ${row.join(' | ')} |`).join('\n') + '\n';
  const floorRows = [
    ['shared-volume', r.shared],
    ['10 containers', r.ten],
  ].map(([label, c]) => `| ${label} | ${ms(c.script)} | ${ms(c.floor)} | ${c.floorRatio.toFixed(2)} | ${ms(c.nodeFloor)} | ${ms(c.reconcileFloor)} | ${ms(c.sbx)} | ${c.overFloor.toFixed(2)} | ${c.overNodeFloor.toFixed(2)} | ${c.overReconcileFloor.toFixed(2)} |`);
  const floorTable =
    '| apply+delete | sequential script | parallel script (floor) | floor / sequential | floor + 2 Node starts | + listing rounds | sbx | sbx / floor | sbx / (floor + Node) | sbx / (floor + Node + listings) |\n|---|---|---|---|---|---|---|---|---|---|\n' +
    floorRows.join('\n') +
    '\n';
  const manyTable =
    '| N | sbx | sequential script | parallel floor | floor + 2 Node starts | + listing rounds | sbx / floor | sbx / (floor + Node) | sbx / (floor + Node + listings) | sbx / sequential | (floor + Node + listings) / sequential |\n|---|---|---|---|---|---|---|---|---|---|---|\n' +
    r.many
      .map((x) => `| ${x.n} | ${ms(x.sbx)} | ${ms(x.sequential)} | ${ms(x.floor)} | ${ms(x.nodeFloor)} | ${ms(x.reconcileFloor)} | ${x.overFloor.toFixed(2)} | ${x.overNodeFloor.toFixed(2)} | ${x.overReconcileFloor.toFixed(2)} | ${x.overSequential.toFixed(2)} | ${x.reconcileOverSequential.toFixed(2)} |`)
      .join('\n') +
    '\n';
  const svg = chartSvg([
    { label: 'shared-volume apply+delete', sbx: r.shared.sbx, base: r.shared.floor },
    { label: '10 containers apply+delete', sbx: r.ten.sbx, base: r.ten.floor },
    { label: 'validate cold start', sbx: r.cold.sbx, base: r.cold.node },
  ]);
  const machine = `${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}, ${execFileSync('docker', ['version', '--format', 'Docker {{.Server.Version}} (API {{.Server.APIVersion}}, client {{.Client.Version}})'], { encoding: 'utf8' }).trim()}, storage driver ${execFileSync('docker', ['info', '--format', '{{.Driver}}'], { encoding: 'utf8' }).trim()}, load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`;
  const md = `# Benchmarks

Generated by \`node bench/run.mjs --rounds ${ROUNDS} --sizes ${SIZES.join(',')} --many-rounds ${MANY_ROUNDS}\` on ${new Date().toISOString().slice(0, 10)}.

Machine: ${machine}.

Each round runs sbx, the hand-written sequential docker script (\`bench/handwritten.sh up\`/\`down\`) and the
same script with every independent call issued at once (\`up-parallel\`: the floor for any tool that drives
the docker CLI), alternating which goes first; a ratio is the median of the per-round ratios. Absolute times
vary between machines and runs; the ratios are what the targets are about.

${table}
![sbx vs the floor](benchmarks.svg)

## What bounds the apply+delete ratios

*floor + 2 Node starts* adds to the floor what any CLI written for Node pays for two commands (apply, then
delete) before it can ask Docker anything: starting Node, measured in the same rounds as \`node -e 0\`.
*sbx / (floor + Node)* is therefore what sbx itself adds: loading and validating the manifest, the one
observation round a new sandbox needs (containers, networks, volumes, engine facts and images, asked side by
side), the \`docker ps\` before a delete (which makes it complete), and the locks. *+ listing rounds* adds
what a tool that reconciles, rather than assumes that nothing exists, must ask before its two commands: that
observation round and that \`docker ps\`, run by the script (\`handwritten.sh listings\`) in the same rounds;
*sbx / (floor + Node + listings)* is left for parsing, validating, planning and locking. The script asks
with the docker CLI, as any tool driving it must; sbx asks those read-only questions of the engine's API
(README, "Global options"), a request instead of a docker process, so it can come in under that column.

${floorTable}
## N sandboxes in one command

\`sbx apply -f DIR\` + \`sbx delete --all -l LABEL\` of N copies of \`manifests/shared-volume.yaml\`, against the
script one sandbox after another, and the script for all N at once (the floor).

${manyTable}
![time vs N](benchmarks-many.svg)

The no-op re-apply's baseline, starting Node and running one \`docker ps\`, is what any Node CLI that asks
Docker once pays: ${ms(r.noop.floor)} here; sbx takes ${ms(r.noop.wall)} (${r.noop.ratio.toFixed(2)}×), answering an unchanged
file from the note its last apply left (README, "Re-applying an unchanged file is one \`docker ps\`").
A Node program that does nothing but run the same \`docker ps\` through \`child_process\` takes
${ms(r.noop.nodePs)} (${r.noop.nodePsRatio.toFixed(2)}× the baseline): loading \`child_process\` and spawning from Node cost that
much before sbx reads a file.
`;
  const text = [table, floorTable, manyTable].join('\n');
  return { md, svg, text };
}

try {
  await main();
} finally {
  spawnSync(process.execPath, [SBX, 'delete', '-l', 'sbx-bench/run'], { env, stdio: 'ignore' });
  spawnSync('bash', ['-c', 'ids=$(docker ps -aq --filter label=bench=hw); [ -n "$ids" ] && docker rm -f $ids; ids=$(docker volume ls -q --filter name=hw-); [ -n "$ids" ] && docker volume rm -f $ids'], { stdio: 'ignore' });
  rmSync(tmp, { recursive: true, force: true });
}
