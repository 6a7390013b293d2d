import { shellQuote } from '../shell-quote.js';
import { commandText, type PlanStep } from './steps.js';

/** A plan step as --dry-run and -o json show it: every command, docker argv or host-side action. */
export interface PrintedStep {
  action: string;
  resource: string;
  cause: string;
  commands: ({ argv: string[] } | { host: string })[];
}

/** The steps with each docker command as the full argv sbx runs (docker binary and --context included). */
export function printedSteps(steps: PlanStep[], dockerArgv: (args: string[]) => string[]): PrintedStep[] {
  return steps.map((s) => ({
    action: s.action,
    resource: s.resource,
    cause: s.cause,
    commands: s.run.map((c) => (c.kind === 'docker' ? { argv: dockerArgv(c.args) } : { host: commandText(c, (a) => a, shellQuote) })),
  }));
}

/** The dry-run text of one sandbox's plan: stable, one numbered step per line with its commands below. */
export function planText(id: string, steps: PrintedStep[], unchanged: string[]): string {
  if (!steps.length) return `sandbox ${id}: no changes (${unchanged.join(', ')} unchanged)`;
  const lines = [`sandbox ${id}: plan (dry run, nothing changed)`];
  steps.forEach((s, i) => {
    lines.push(`  ${i + 1}. ${s.action} ${s.resource}  — ${s.cause}`);
    for (const c of s.commands) {
      if ('argv' in c) lines.push(`       ${c.argv.map(shellQuote).join(' ')}`);
      else lines.push(...c.host.split('\n').map((l) => `       ${l}`));
    }
  });
  for (const u of unchanged) lines.push(`  = ${u} unchanged`);
  return lines.join('\n');
}
