import type { CommanderError } from 'commander';
import { SbxError } from '../errors.js';

/** Help and version end commander's parse by throwing too; they are not errors. */
export function isHelpOrVersion(err: CommanderError): boolean {
  return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help';
}

/** What commander rejects (unknown option, missing argument, bad choice...) as a USAGE error. */
export function usageError(err: CommanderError): SbxError {
  const [first, ...rest] = err.message.split('\n');
  const suggestion = rest.map((l) => /^\(Did you mean (.+)\?\)$/.exec(l.trim())?.[1]).find(Boolean);
  return new SbxError('USAGE', first.replace(/^error: /, ''), { hint: suggestion ? `did you mean ${suggestion}?` : undefined });
}
