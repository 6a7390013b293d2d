import type { execa as ExecaFn } from 'execa';

/**
 * execa loaded on first use: it costs more start-up time than everything else an `sbx apply` of a
 * tmpfs-only sandbox loads, and only mount tools need it. Callers only await the result.
 */
export const execa = (async (...args: Parameters<typeof ExecaFn>) => (await import('execa')).execa(...args)) as unknown as typeof ExecaFn;
