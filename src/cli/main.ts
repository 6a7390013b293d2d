import { Command, CommanderError, Option } from 'commander';
import { EXIT, SbxError, SbxErrors } from '../errors.js';
import { makeColor } from '../ui/color.js';
import { errorJson, errorsOf, formatErrorLine } from '../ui/errors.js';
import { buildProgram } from './program.js';
import { isHelpOrVersion, usageError } from './usage-error.js';

export async function main(argv: string[]): Promise<void> {
  const interruption = new AbortController();
  const program = buildProgram(interruption.signal);
  const running = { rollsBack: false };
  program.hook('preAction', (_root, cmd) => {
    running.rollsBack = rollsBack(cmd);
  });
  const onInterrupt = () => interrupt(interruption, running.rollsBack, argv);
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  // `sbx ls | head`: a reader that stops early is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.OK);
    throw err;
  });
  // A command still awaiting something that holds no handle would otherwise exit 0 half-done.
  let settled = false;
  process.once('beforeExit', () => {
    if (settled) return;
    process.stderr.write('error[INTERNAL]: sbx stopped before the command finished (a pending operation held no handle)\n');
    process.exitCode = EXIT.RUNTIME;
  });
  try {
    await program.parseAsync(argv);
    if (process.exitCode === undefined) process.exitCode = EXIT.OK;
  } catch (err) {
    process.exitCode = report(err, argv, interruption.signal.aborted);
  } finally {
    settled = true;
  }
}

/** Commands that change Docker objects, and so must be left to roll back what they created. */
function rollsBack(cmd: Command): boolean {
  const dryRun = Boolean(cmd.opts().dryRun);
  return (cmd.name() === 'apply' && !dryRun) || cmd.name() === 'delete' || (cmd.name() === 'gc' && !dryRun);
}

/**
 * First Ctrl-C/SIGTERM: a command that changes things rolls back (it watches the signal); any other
 * stops at once, since there is nothing to undo. A second one exits now.
 */
function interrupt(interruption: AbortController, rollsBackNow: boolean, argv: string[]): void {
  if (interruption.signal.aborted) process.exit(EXIT.INTERRUPTED);
  interruption.abort();
  if (!rollsBackNow) {
    report(interrupted(), argv, true);
    process.exit(EXIT.INTERRUPTED);
  }
  process.stderr.write('interrupted; cleaning up (press Ctrl-C again to exit now)\n');
  setTimeout(() => process.exit(EXIT.INTERRUPTED), 60_000).unref();
}

const interrupted = () => new SbxError('INTERRUPTED', 'interrupted', { exitCode: EXIT.INTERRUPTED });

function wantsJson(argv: string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') return false;
    if ((a === '-o' || a === '--output') && argv[i + 1] === 'json') return true;
    if (a === '-ojson' || a === '--output=json') return true;
  }
  return false;
}

function report(err: unknown, argv: string[], wasInterrupted: boolean): number {
  if (err instanceof CommanderError) {
    if (isHelpOrVersion(err)) return EXIT.OK;
    err = usageError(err);
  }
  // A docker call ended by the same Ctrl-C is not a docker failure.
  if (wasInterrupted && !(err instanceof SbxError && err.code === 'INTERRUPTED')) err = interrupted();
  const noColor = argv.includes('--no-color');
  const c = makeColor(process.stderr, noColor);
  if (err instanceof SbxError || err instanceof SbxErrors) {
    if (wantsJson(argv)) process.stdout.write(JSON.stringify(errorJson(err), null, 2) + '\n');
    for (const e of errorsOf(err)) process.stderr.write(formatErrorLine(e, c) + '\n');
    return err.exitCode;
  }
  const e = err as Error;
  process.stderr.write(`${c.red('error[INTERNAL]')}: ${e?.stack ?? String(err)}\n`);
  return EXIT.RUNTIME;
}

export { Option };
