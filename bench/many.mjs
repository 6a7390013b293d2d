// N sandboxes in one command: `sbx apply -f DIR` + `sbx delete --all -l LABEL` against the hand-written
// script for the same N sandboxes, (a) one sandbox after another and (b) all at once (the floor), in the
// same run, alternating; medians and per-round ratios (the machine is noisy: only ratios count).
// Used by bench/run.mjs (--sizes 1,5,10,20).
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SBX = path.join(ROOT, 'bin/sbx');
const HW = path.join(ROOT, 'bench/handwritten.sh');
const IMAGE = 'sbx-test/busybox:1';
/** The label the bench's sandboxes carry, so that `delete --all -l` takes only them. */
const BENCH_LABEL = 'sbx-bench/run';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Run commands side by side; resolves with the wall time of all of them, in ms. */
function together(env, cmds) {
  const t0 = process.hrtime.bigint();
  return Promise.all(
    cmds.map(
      ([file, argv]) =>
        new Promise((resolve, reject) => {
          const child = spawn(file, argv, { env, stdio: ['ignore', 'ignore', 'pipe'] });
          let err = '';
          child.stderr.on('data', (d) => (err += d));
          child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${file} ${argv.join(' ')} failed (${code}): ${err}`))));
        }),
    ),
  ).then(() => Number(process.hrtime.bigint() - t0) / 1e6);
}

/** N copies of the shared-volume example (two containers, one tmpfs volume) in a fresh directory, labelled with `tag`. */
function manifestDir(tmp, prefix, n) {
  const doc = parseAllDocuments(readFileSync(path.join(ROOT, 'manifests/shared-volume.yaml'), 'utf8'))[0].toJSON();
  const dir = path.join(tmp, prefix);
  mkdirSync(dir, { recursive: true });
  const ids = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  ids.forEach((id) => writeFileSync(path.join(dir, `${id}.yaml`), stringify({ ...doc, id, metadata: { labels: { [BENCH_LABEL]: prefix } } })));
  return { dir, ids, containers: doc.spec.containers.length };
}

async function size({ env, tmp, rounds, pause }, n) {
  const one = (file, argv) => together(env, [[file, argv]]);
  const sbx = (argv) => one(process.execPath, [SBX, ...argv]);
  const rows = [];
  for (let r = 0; r < rounds; r++) {
    const prefix = `m${n}-${r}`;
    const { dir, ids, containers } = manifestDir(tmp, prefix, n);
    const c = String(containers);
    const run = {
      sbx: async () => (await sbx(['apply', '-f', dir])) + (await sbx(['delete', '--all', '-l', `${BENCH_LABEL}=${prefix}`])),
      sequential: async () => {
        let t = 0;
        for (const id of ids) t += await one(HW, ['up', `${id}-s`, c, IMAGE, pause]);
        for (const id of ids) t += await one(HW, ['down', `${id}-s`, c]);
        return t;
      },
      floor: async () => (await together(env, ids.map((id) => [HW, ['up-parallel', `${id}-p`, c, IMAGE, pause]]))) + (await together(env, ids.map((id) => [HW, ['down', `${id}-p`, c]]))),
      node: async () => (await one(process.execPath, ['-e', '0'])) + (await one(process.execPath, ['-e', '0'])),
      // One listing round covers every sandbox of a command (see bench/run.mjs).
      listings: () => one(HW, ['listings', `${prefix}-l`, c, IMAGE, pause]),
    };
    const kinds = ['sbx', 'sequential', 'floor'];
    const order = [...kinds.slice(r % 3), ...kinds.slice(0, r % 3), 'node', 'listings'];
    const row = {};
    for (const k of order) row[k] = await run[k]();
    rows.push(row);
  }
  return {
    n,
    sbx: median(rows.map((x) => x.sbx)),
    sequential: median(rows.map((x) => x.sequential)),
    floor: median(rows.map((x) => x.floor)),
    nodeFloor: median(rows.map((x) => x.floor + x.node)),
    overFloor: median(rows.map((x) => x.sbx / x.floor)),
    overNodeFloor: median(rows.map((x) => x.sbx / (x.floor + x.node))),
    overSequential: median(rows.map((x) => x.sbx / x.sequential)),
    reconcileFloor: median(rows.map((x) => x.floor + x.node + x.listings)),
    overReconcileFloor: median(rows.map((x) => x.sbx / (x.floor + x.node + x.listings))),
    reconcileOverSequential: median(rows.map((x) => (x.floor + x.node + x.listings) / x.sequential)),
  };
}

/** apply -f DIR + delete --all -l for each N, against the sequential script and the parallel floor. */
export async function measureMany({ sizes, rounds, pause, env, tmp }) {
  const results = [];
  for (const n of sizes) {
    results.push(await size({ env, tmp, rounds, pause }, n));
    process.stderr.write(`many: N=${n} done\n`);
  }
  return results;
}

/** Time vs N for the three, as one SVG with a polyline each; no dependencies. */
export function lineChart(results) {
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

