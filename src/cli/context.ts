import type { Command } from 'commander';
import type { ChalkInstance } from 'chalk';
import { Docker } from '../docker/engine.js';
import { SbxError } from '../errors.js';
import { makeColor } from '../ui/color.js';
import { OUTPUT_FORMATS, type OutputFormat } from '../ui/format.js';
import { Reporter, type ProgressMode } from '../ui/reporter.js';
import { contextArgument } from './arguments.js';

export interface GlobalOptions {
  output?: string;
  context?: string;
  progress?: string;
  color?: boolean;
  verbose?: boolean;
}

/** What every command gets: parsed global options, output streams, the docker boundary. */
export class Ctx {
  readonly output?: OutputFormat;
  readonly dockerContext?: string;
  readonly verbose: boolean;
  readonly color: ChalkInstance;
  readonly errColor: ChalkInstance;
  readonly reporter: Reporter;
  /** Aborted on Ctrl-C/SIGTERM (cli/main.ts). */
  readonly signal: AbortSignal;
  private dockerInstance?: Docker;

  constructor(g: GlobalOptions, signal: AbortSignal = new AbortController().signal) {
    this.signal = signal;
    if (g.output !== undefined && !OUTPUT_FORMATS.includes(g.output as OutputFormat)) {
      throw new SbxError('USAGE', `unknown output format "${g.output}" (use ${OUTPUT_FORMATS.join('|')})`);
    }
    const progress = (g.progress ?? 'auto') as ProgressMode;
    if (!['auto', 'plain', 'json', 'quiet'].includes(progress)) {
      throw new SbxError('USAGE', `unknown progress mode "${g.progress}" (use auto|plain|json|quiet)`);
    }
    this.output = g.output as OutputFormat | undefined;
    this.dockerContext = g.context === undefined ? undefined : contextArgument(g.context);
    this.verbose = Boolean(g.verbose);
    const noColor = g.color === false;
    this.color = makeColor(process.stdout, noColor);
    this.errColor = makeColor(process.stderr, noColor);
    this.reporter = new Reporter(progress, this.errColor);
  }

  static from(cmd: Command, signal?: AbortSignal): Ctx {
    return new Ctx(cmd.optsWithGlobals() as GlobalOptions, signal);
  }

  get docker(): Docker {
    this.dockerInstance ??= new Docker({
      context: this.dockerContext,
      onCommand: this.verbose ? (argv) => this.reporter.command(argv) : undefined,
    });
    return this.dockerInstance;
  }

  /** Data to stdout. */
  print(text: string): void {
    process.stdout.write(text.endsWith('\n') || text === '' ? text : text + '\n');
  }

  format(fallback: OutputFormat, allowed: readonly OutputFormat[]): OutputFormat {
    const f = this.output ?? fallback;
    if (!allowed.includes(f)) {
      throw new SbxError('USAGE', `output format "${f}" is not available for this command (use ${allowed.join('|')})`);
    }
    return f;
  }
}
