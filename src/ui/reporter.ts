import type { ChalkInstance } from 'chalk';
import type { PullProgress } from '../docker/images.js';
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
  /** Live terminal only: the pulls in flight, redrawn as one status line below the finished steps. */
  private readonly pulls = new Map<string, PullProgress>();

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

  /** A pull's progress: an event each under --progress json, a live line on a terminal, a line per image otherwise. */
  pull(ev: PullProgress): void {
    const mode = this.effective;
    if (mode === 'quiet') return;
    if (mode === 'json') {
      const { image, status, layers, layersDone, layersPresent, digest } = ev;
      this.stream.write(JSON.stringify({ type: 'pull', image, status, layers, layers_done: layersDone, layers_present: layersPresent, ...(digest ? { digest } : {}) }) + '\n');
      return;
    }
    if (ev.status !== 'pulling') {
      this.pulls.delete(ev.image);
      this.write(ev.status === 'done' ? `  pulled ${ev.image}: ${pullSummary(ev)}\n` : '');
      return;
    }
    if (mode !== 'live') return;
    this.pulls.set(ev.image, ev);
    this.write('');
  }

  /** Writes text; on a live terminal the pulls' status line is cleared first and drawn again after. */
  private write(text: string): void {
    if (this.effective !== 'live') return void this.stream.write(text);
    const status = [...this.pulls.values()].map((p) => `${p.image} ${p.layersDone}/${p.layers || '?'} layers`).join(' · ');
    this.stream.write(`\r\x1b[K${text}${status ? this.color.cyan('pulling ') + status : ''}`);
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
    this.write(`${mark} ${ev.action} ${ev.resource}${cause}${err}${time}\n`);
  }

  info(message: string): void {
    const mode = this.effective;
    if (mode === 'quiet') return;
    if (mode === 'json') this.stream.write(JSON.stringify({ type: 'info', message }) + '\n');
    else this.write(message + '\n');
  }

  warn(message: string): void {
    if (this.effective === 'json') this.stream.write(JSON.stringify({ type: 'warning', message }) + '\n');
    else this.write(`${this.color.yellow('warning')}: ${message}\n`);
  }

  /** -v: every docker/ossfs argv, secrets already absent. */
  command(argv: readonly string[]): void {
    if (this.effective === 'json') this.stream.write(JSON.stringify({ type: 'command', argv }) + '\n');
    else this.stream.write(this.color.dim(`+ ${argv.map(shellQuote).join(' ')}`) + '\n');
  }
}


function pullSummary(ev: PullProgress): string {
  const fetched = ev.layers - ev.layersPresent;
  const layers = ev.layers === 0 ? 'no new layers' : `${fetched} layer${fetched === 1 ? '' : 's'} downloaded${ev.layersPresent ? `, ${ev.layersPresent} already present` : ''}`;
  return ev.digest ? `${layers}, ${ev.digest}` : layers;
}
