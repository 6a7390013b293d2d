import { Command, CommanderError, Option } from 'commander';
import { EXIT, SbxError, SbxErrors } from '../errors.js';
import { makeColor } from '../ui/color.js';
import { errorJson, errorsOf, formatErrorLine } from '../ui/errors.js';
import { buildProgram } from './program.js';

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  process.on('SIGINT', () => onInterrupt());
  process.on('SIGTERM', () => onInterrupt());
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
    process.exitCode = report(err, argv);
  } finally {
    settled = true;
  }
}

let interrupted = false;
/** First Ctrl-C: let the running command roll back (it checks isInterrupted); second: exit now. */
function onInterrupt(): void {
  if (interrupted) process.exit(EXIT.INTERRUPTED);
  interrupted = true;
  process.stderr.write('interrupted; cleaning up (press Ctrl-C again to exit now)\n');
  setTimeout(() => process.exit(EXIT.INTERRUPTED), 60_000).unref();
}
export function isInterrupted(): boolean {
  return interrupted;
}

function wantsJson(argv: string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if ((a === '-o' || a === '--output') && argv[i + 1] === 'json') return true;
    if (a === '-ojson' || a === '--output=json') return true;
  }
  return false;
}

function report(err: unknown, argv: string[]): number {
  if (err instanceof CommanderError) {
    // Help and version are not errors; everything else commander rejects is a usage error.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.OK;
    return EXIT.INVALID;
  }
  const noColor = argv.includes('--no-color');
  const c = makeColor(process.stderr, noColor);
  if (err instanceof SbxError || err instanceof SbxErrors) {
    if (wantsJson(argv)) process.stdout.write(JSON.stringify(errorJson(err), null, 2) + '\n');
    for (const e of errorsOf(err)) process.stderr.write(formatErrorLine(e, c) + '\n');
    if (interrupted) return EXIT.INTERRUPTED;
    return err.exitCode;
  }
  const e = err as Error;
  process.stderr.write(`${c.red('error[INTERNAL]')}: ${e?.stack ?? String(err)}\n`);
  return EXIT.RUNTIME;
}

export { Option };
