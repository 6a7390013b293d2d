import type { BackendContext } from '../types.js';

/** What the bucket kinds share within one apply (or delete): kept in the context, never in module state. */
interface BucketApplyState {
  /** Prepared mounts whose container may not exist yet, by key: nothing may unmount under them. */
  pending: Map<string, number>;
  /** The last operation queued per key: containers of one apply are prepared in parallel. */
  chains: Map<string, Promise<unknown>>;
}

const MEMO_KEY = 'bucket';

function stateOf(ctx: BackendContext): BucketApplyState {
  let state = ctx.memo.get(MEMO_KEY) as BucketApplyState | undefined;
  if (!state) {
    state = { pending: new Map(), chains: new Map() };
    ctx.memo.set(MEMO_KEY, state);
  }
  return state;
}

export function holdPending(ctx: BackendContext, key: string): void {
  const { pending } = stateOf(ctx);
  pending.set(key, (pending.get(key) ?? 0) + 1);
}

export function dropPending(ctx: BackendContext, key: string): void {
  const { pending } = stateOf(ctx);
  pending.set(key, Math.max(0, (pending.get(key) ?? 0) - 1));
}

export function isPending(ctx: BackendContext, key: string): boolean {
  return (stateOf(ctx).pending.get(key) ?? 0) > 0;
}

/** Runs fn after every earlier call for the same key in this apply. */
export function serialized<T>(ctx: BackendContext, key: string, fn: () => Promise<T>): Promise<T> {
  const { chains } = stateOf(ctx);
  const run = (chains.get(key) ?? Promise.resolve()).then(fn, fn);
  chains.set(key, run.catch(() => undefined));
  return run;
}
