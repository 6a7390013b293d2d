import { defaultConcurrency } from '../concurrency.js';
import { SbxError } from '../errors.js';
import { nameProblem, type NameKind } from '../manifest/rules/names.js';

/** Docker's rule for context names: a name that breaks it can never be found, so Docker is not asked. */
const DOCKER_CONTEXT_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$/;

function checked(value: string, what: NameKind, shown: string): string {
  const problem = nameProblem(value, what);
  if (problem) throw new SbxError('USAGE', `${shown} ${JSON.stringify(value)}: ${problem.message}`, { hint: problem.hint });
  return value;
}

/** A sandbox id given on the command line; one no manifest could declare is a usage error. */
export const sandboxIdArgument = (id: string): string => checked(id, 'id', 'sandbox id');
export const containerNameArgument = (name: string): string => checked(name, 'container name', 'container name');

export function contextArgument(name: string): string {
  if (!DOCKER_CONTEXT_NAME.test(name)) {
    throw new SbxError('USAGE', `--context ${JSON.stringify(name)}: not a valid docker context name`, { hint: 'must match ^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$' });
  }
  return name;
}

export function tailArgument(tail: string): string {
  if (!/^(\d+|all)$/.test(tail)) throw new SbxError('USAGE', `--tail takes a number or "all", not ${JSON.stringify(tail)}`);
  return tail;
}

/** --concurrency: how many sandboxes one command handles at once (default from the CPU count). */
export function parseConcurrency(value: string | undefined): number {
  if (value === undefined) return defaultConcurrency();
  if (!/^[1-9]\d{0,2}$/.test(value)) throw new SbxError('USAGE', `--concurrency takes a whole number from 1 to 999, not ${JSON.stringify(value)}`);
  return Number(value);
}

/** `-l KEY=VALUE` (or `-l KEY`): a label the sandboxes must carry, as Docker's label filter takes it. */
export function labelSelector(value: string): string {
  if (!/^[^=,\s]+(=[^,]*)?$/.test(value)) throw new SbxError('USAGE', `-l/--selector takes KEY=VALUE or KEY (one label per flag), not ${JSON.stringify(value)}`);
  return value;
}
