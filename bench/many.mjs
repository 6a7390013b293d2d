#!/usr/bin/env node
// N sandboxes in one command: `sbx apply -f DIR` + `sbx delete ID...` against the hand-written script
// for the same N sandboxes, (a) one sandbox after another and (b) all at once (the floor), in the same
// run, alternating; medians and per-round ratios (the machine is noisy: only ratios count).
//   node bench/many.mjs [--sizes 1,5,10,20] [--rounds 3] [--out docs/benchmarks-many.md]
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SBX = path.join(ROOT, 'bin/sbx');
const HW = path.join(ROOT, 'bench/handwritten.sh');
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const SIZES = opt('--sizes', '1,5,10,20').split(',').map(Number);
const ROUNDS = Number(opt('--rounds', '3'));
const OUT = path.resolve(ROOT, opt('--out', 'docs/benchmarks-many.md'));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'sbx-bench-many-'));
const env = { ...process.env, NO_COLOR: '1', SBX_STATE_DIR: path.join(tmp, 'state') };
const IMAGE = 'sbx-test/busybox:1';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Run commands side by side; resolves with the wall time of all of them, in ms. */
async function together(cmds) {
  const t0 = process.hrtime.bigint();
  await Promise.all(
    cmds.map(
      ([file, argv]) =>
        new Promise((resolve, reject) => {
          const child = spawn(file, argv, { env, stdio: ['ignore', 'ignore', 'pipe'] });
          let err = '';
          child.stderr.on('data', (d) => (err += d));
          child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${file} ${argv.join(' ')} failed (${code}): ${err}`))));
        }),
    ),
  );
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
const one = (file, argv) => together([[file, argv]]);
const sbx = (argv) => one(process.execPath, [SBX, ...argv]);

/** N copies of the shared-volume example (two containers, one tmpfs volume) in a fresh directory. */
function manifestDir(prefix, n) {
  const doc = parseAllDocuments(readFileSync(path.join(ROOT, 'manifests/shared-volume.yaml'), 'utf8'))[0].toJSON();
  const dir = path.join(tmp, prefix);
  mkdirSync(dir, { recursive: true });
  const ids = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  ids.forEach((id) => writeFileSync(path.join(dir, `${id}.yaml`), stringify({ ...doc, id })));
  return { dir, ids, containers: doc.spec.containers.length };
}

function pauseImage() {
  const { dir, ids } = manifestDir('warmup', 1);
  spawnSync(process.execPath, [SBX, 'apply', '-f', dir], { env });
  spawnSync(process.execPath, [SBX, 'delete', ...ids], { env });
  return spawnSync('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', '--filter', 'reference=sbx-pause'], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
}

async function size(n, pause) {
  const rows = [];
  for (let r = 0; r < ROUNDS; r++) {
    const { dir, ids, containers } = manifestDir(`m${n}-${r}`, n);
    const c = String(containers);
    const run = {
      sbx: async () => (await sbx(['apply', '-f', dir])) + (await sbx(['delete', ...ids])),
      sequential: async () => {
        let t = 0;
        for (const id of ids) t += await one(HW, ['up', `${id}-s`, c, IMAGE, pause]);
        for (const id of ids) t += await one(HW, ['down', `${id}-s`, c]);
        return t;
      },
      floor: async () => (await together(ids.map((id) => [HW, ['up-parallel', `${id}-p`, c, IMAGE, pause]]))) + (await together(ids.map((id) => [HW, ['down', `${id}-p`, c]]))),
    };
    const kinds = ['sbx', 'sequential', 'floor'];
    const order = [...kinds.slice(r % 3), ...kinds.slice(0, r % 3)];
    const row = {};
    for (const k of order) row[k] = await run[k]();
    rows.push(row);
  }
  return {
    n,
    sbx: median(rows.map((x) => x.sbx)),
    sequential: median(rows.map((x) => x.sequential)),
    floor: median(rows.map((x) => x.floor)),
    overFloor: median(rows.map((x) => x.sbx / x.floor)),
    overSequential: median(rows.map((x) => x.sbx / x.sequential)),
  };
}

/** Time vs N for the three, as one SVG with a polyline each; no dependencies. */
function lineChart(results) {
  const [w, h, pad] = [640, 320, 50];
  const maxN = Math.max(...results.map((r) => r.n));
  const maxT = Math.max(...results.flatMap((r) => [r.sbx, r.sequential, r.floor]));
  const x = (n) => pad + ((w - 2 * pad) * n) / maxN;
  const y = (t) => h - pad - ((h - 2 * pad) * t) / maxT;
  const series = [['sbx', '#2f6fdf'], ['sequential', '#aaaaaa'], ['floor', '#2a9d4b']];
  const lines = series.map(([k, color], i) => {
    const pts = results.map((r) => `${x(r.n).toFixed(1)},${y(r[k]).toFixed(1)}`).join(' ');
    return `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts}"/><text x="${w - pad - 90}" y="${pad + 14 * i}" font-size="12" fill="${color}">${k}</text>`;
  });
  const ticks = results.map((r) => `<text x="${x(r.n) - 6}" y="${h - pad + 16}" font-size="11">${r.n}</text>`);
  const axis = `<text x="4" y="${pad - 10}" font-size="11">${(maxT / 1000).toFixed(1)} s</text><text x="${w / 2}" y="${h - 8}" font-size="11">N sandboxes</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif">\n${[...lines, ...ticks, axis].join('\n')}\n</svg>\n`;
}

async function main() {
  const pause = pauseImage();
  const results = [];
  for (const n of SIZES) {
    results.push(await size(n, pause));
    process.stderr.write(`N=${n} done\n`);
  }
  const facts = `${os.cpus().length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${spawnSync('docker', ['version', '--format', 'Docker {{.Server.Version}}'], { encoding: 'utf8' }).stdout.trim()}`;
  const lines = [
    '# N sandboxes in one command',
    '',
    `\`node bench/many.mjs --sizes ${SIZES.join(',')} --rounds ${ROUNDS}\` on ${facts}, ${new Date().toISOString().slice(0, 10)}.`,
    'apply+delete of N copies of `manifests/shared-volume.yaml`: sbx (`apply -f DIR` + `delete ID...`), the hand-written',
    'script one sandbox after another, and the same script for all N at once (the floor). Medians; ratios per round.',
    '',
    '| N | sbx | sequential script | parallel floor | sbx / floor | sbx / sequential |',
    '|---|---|---|---|---|---|',
    ...results.map((x) => `| ${x.n} | ${x.sbx.toFixed(0)} ms | ${x.sequential.toFixed(0)} ms | ${x.floor.toFixed(0)} ms | ${x.overFloor.toFixed(2)} | ${x.overSequential.toFixed(2)} |`),
    '',
    '![time vs N](benchmarks-many.svg)',
    '',
  ];
  writeFileSync(OUT, lines.join('\n'));
  writeFileSync(OUT.replace(/\.md$/, '.svg'), lineChart(results));
  process.stdout.write(lines.join('\n'));
}

try {
  await main();
} finally {
  spawnSync('bash', ['-c', 'ids=$(docker ps -aq --filter label=bench=hw); [ -n "$ids" ] && docker rm -f $ids; ids=$(docker volume ls -q --filter name=hw-); [ -n "$ids" ] && docker volume rm -f $ids'], { stdio: 'ignore' });
  rmSync(tmp, { recursive: true, force: true });
}
