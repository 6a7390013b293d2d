import { applySandbox, type ApplyResult } from '../apply/apply-sandbox.js';
import { planText } from '../plan/plan-text.js';
import { toJson, toYaml } from '../ui/format.js';
import type { LoadResult } from '../manifest/model.js';
import type { InputText } from '../manifest/read-inputs.js';
import type { Ctx } from './context.js';
import { manifestFingerprint, unchangedLine } from '../apply/applied-record.js';
import { loadWithWarnings } from './load.js';
import { parseDuration } from './duration.js';

interface ApplyFlags {
  filename: string[];
  dryRun?: boolean;
  wait?: boolean;
  timeout: string;
}

export async function run(ctx: Ctx, flags: ApplyFlags): Promise<void> {
  const format = ctx.format('table', ['table', 'wide', 'json', 'yaml', 'name']);
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  const inputs: InputText[] = [];
  const loaded = await loadWithWarnings(ctx, flags.filename, (input) => inputs.push(input));
  const fingerprint = recordable(flags.filename, inputs, loaded);
  const results: ApplyResult[] = [];
  for (const sb of loaded.sandboxes) {
    const res = await applySandbox(sb, { docker: ctx.docker, reporter: ctx.reporter, dryRun: Boolean(flags.dryRun), interrupted: () => ctx.signal.aborted, fingerprint });
    for (const w of res.warnings) ctx.reporter.warn(w);
    results.push(res);
    if (flags.wait && !flags.dryRun) {
      const { waitReady } = await import('../apply/wait.js');
      await waitReady(ctx.docker, sb, { timeoutMs, reporter: ctx.reporter });
    }
  }
  if (format === 'json') return ctx.print(toJson({ dryRun: Boolean(flags.dryRun), sandboxes: results }));
  if (format === 'yaml') return ctx.print(toYaml({ dryRun: Boolean(flags.dryRun), sandboxes: results }));
  if (format === 'name') return ctx.print(results.map((r) => r.id).join('\n'));
  for (const r of results) ctx.print(flags.dryRun ? dryRunText(r) : summary(r));
}

/**
 * One file, one sandbox, no warnings: the case a re-apply can answer from the applied record
 * (cli/fast-noop.ts prints exactly what this command prints then).
 */
function recordable(files: string[], inputs: InputText[], loaded: LoadResult): string | undefined {
  const [input] = inputs;
  if (files.length !== 1 || inputs.length !== 1 || input.file !== files[0] || input.file === '-') return undefined;
  if (loaded.sandboxes.length !== 1 || loaded.warnings.length) return undefined;
  return manifestFingerprint(input.file, input.text);
}

function summary(r: ApplyResult): string {
  if (!r.changed) return unchangedLine(r.id);
  const { created, replaced, removed } = r.counts;
  const parts = [
    created && `${created} created`,
    replaced && `${replaced} replaced`,
    removed && `${removed} removed`,
    r.unchanged.length && `${r.unchanged.length} unchanged`,
  ].filter(Boolean);
  return `sandbox ${r.id} applied (${parts.join(', ')})`;
}

function dryRunText(r: ApplyResult): string {
  return planText(r.id, r.steps, r.unchanged);
}
