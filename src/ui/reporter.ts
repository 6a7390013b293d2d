import type { ChalkInstance } from 'chalk';
import { shellQuote } from '../shell-quote.js';

export type ProgressMode = 'auto' | 'plain' | 'json' | 'quiet';

export interface StepEvent {
  /** e.g. "create", "remove", "unchanged", "mount" */
  action: string;
  /** e.g. "container shared-volume/writer" */
  resource: string;
  cause?: string;
  status: 'start' | 'done' | 'error' | 'skip';
  error?: string;
  elapsedMs?: number;
}

/** Progress and diagnostics go to stderr; data never does. */
export class Reporter {
  constructor(
    private readonly mode: ProgressMode,
    private readonly color: ChalkInstance,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  /**
   * A reporter for one of several sandboxes handled at once: the same mode (a live terminal's becomes
   * plain), its lines kept until flush() writes them here, so each sandbox's output stays together.
   */
  buffered(): { reporter: Reporter; flush(): void } {
    const chunks: string[] = [];
    const sink = { isTTY: false, write: (chunk: string) => chunks.push(chunk) > 0 } as unknown as NodeJS.WriteStream;
    const mode = this.effective === 'live' ? 'plain' : this.effective;
    return { reporter: new Reporter(mode, this.color, sink), flush: () => chunks.splice(0).forEach((c) => this.stream.write(c)) };
  }

  private get effective(): 'plain' | 'json' | 'quiet' | 'live' {
    if (this.mode === 'auto') return this.stream.isTTY ? 'live' : 'plain';
    return this.mode;
  }

  step(ev: StepEvent): void {
    const mode = this.effective;
    if (mode === 'quiet') return;
    if (mode === 'json') {
      this.stream.write(JSON.stringify({ type: 'step', ...ev }) + '\n');
      return;
    }
    // A live terminal shows only finished steps (one line each) to stay readable; plain shows starts too.
    if (mode === 'live' && ev.status === 'start') return;
    const c = this.color;
    const mark =
      ev.status === 'done' ? c.green('✓') : ev.status === 'error' ? c.red('✗') : ev.status === 'skip' ? c.dim('=') : c.cyan('…');
    const time = ev.elapsedMs !== undefined && ev.status === 'done' ? c.dim(` ${(ev.elapsedMs / 1000).toFixed(1)}s`) : '';
    const cause = ev.cause ? c.dim(` (${ev.cause})`) : '';
    const err = ev.error ? `: ${ev.error}` : '';
    this.stream.write(`${mark} ${ev.action} ${ev.resource}${cause}${err}${time}\n`);
  }

  info(message: string): void {
    const mode = this.effective;
    if (mode === 'quiet') return;
    if (mode === 'json') this.stream.write(JSON.stringify({ type: 'info', message }) + '\n');
    else this.stream.write(message + '\n');
  }

  warn(message: string): void {
    if (this.effective === 'json') this.stream.write(JSON.stringify({ type: 'warning', message }) + '\n');
    else this.stream.write(`${this.color.yellow('warning')}: ${message}\n`);
  }

  /** -v: every docker/ossfs argv, secrets already absent. */
  command(argv: readonly string[]): void {
    if (this.effective === 'json') this.stream.write(JSON.stringify({ type: 'command', argv }) + '\n');
    else this.stream.write(this.color.dim(`+ ${argv.map(shellQuote).join(' ')}`) + '\n');
  }
}

