import { SbxError } from '../errors.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

/** "90s", "2m", "1h30m", "500ms" or plain seconds. */
export function parseDuration(text: string, flag: string): number {
  const ms = durationMs(text, flag);
  if (!(ms > 0)) throw new SbxError('USAGE', `${flag}: the duration must be more than 0, got "${text}"`);
  // Node's timers fire at once past 2^31-1 ms.
  if (ms > MAX_TIMER_MS) throw new SbxError('USAGE', `${flag}: the duration must be at most 24 days, got "${text}"`);
  return ms;
}

function durationMs(text: string, flag: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = '';
  for (const m of text.matchAll(re)) {
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    consumed += m[0];
  }
  if (!consumed || consumed !== text) throw new SbxError('USAGE', `${flag}: invalid duration "${text}" (e.g. 90s, 2m, 1h30m)`);
  return total;
}
