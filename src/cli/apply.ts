import { applySandbox, type ApplyResult } from '../apply/apply-sandbox.js';
import { shellQuote } from '../ui/reporter.js';
import { toJson, toYaml } from '../ui/format.js';
import type { Ctx } from './context.js';
import { loadForCommand } from './load.js';
import { isInterrupted } from './main.js';
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
  const sandboxes = await loadForCommand(ctx, flags.filename);
  const results: ApplyResult[] = [];
  for (const sb of sandboxes) {
    const res = await applySandbox(sb, { docker: ctx.docker, reporter: ctx.reporter, dryRun: Boolean(flags.dryRun), interrupted: isInterrupted });
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

function summary(r: ApplyResult): string {
  if (!r.changed) return `sandbox ${r.id} unchanged`;
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
  if (!r.changed) return `sandbox ${r.id}: no changes (${r.unchanged.join(', ')} unchanged)`;
  const lines = [`sandbox ${r.id}: plan (dry run, nothing changed)`];
  r.steps.forEach((s, i) => {
    lines.push(`  ${i + 1}. ${s.action} ${s.resource}  — ${s.cause}`);
    if (s.argv) lines.push(`       ${s.argv.map(shellQuote).join(' ')}`);
  });
  for (const u of r.unchanged) lines.push(`  = ${u} unchanged`);
  return lines.join('\n');
}
