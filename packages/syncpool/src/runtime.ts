// What syncpool asks of the runtime it runs in: an environment variable, a forced garbage
// collection, and the calling thread's id. All are found by feature detection at the moment they are needed, so that one
// build serves Node, Deno, Bun, browsers and bundlers:
//   - no module of the library names a Node built-in in an import, so a browser bundle has
//     nothing to resolve (process.getBuiltinModule is a function call, which bundlers leave
//     alone, and it exists only where the built-ins do);
//   - nothing is read at import time, so importing needs no permission (Deno asks for one
//     before a program reads an environment variable).

import { PoolError } from './errors.js';

interface Host {
  gc?: () => void;
  Bun?: { gc(force: boolean): void };
  Deno?: {
    env: { get(name: string): string | undefined };
    permissions: { querySync(descriptor: { name: 'env'; variable: string }): { state: string } };
  };
  process?: {
    env?: Record<string, string | undefined>;
    getBuiltinModule?: (id: string) => unknown;
  };
}

const host = globalThis as Host;

/**
 * The value of environment variable `name`; undefined where it is unset, where the runtime has
 * no environment (browsers) or where reading it needs a permission that was not granted (Deno).
 * Never prompts for a permission.
 */
export function environmentVariable(name: string): string | undefined {
  const deno = host.Deno;
  if (deno !== undefined) {
    // Deno.env.get throws without --allow-env, or stops to ask on a terminal; querySync does
    // neither. (Deno's process.env goes through the same permission.)
    return deno.permissions.querySync({ name: 'env', variable: name }).state === 'granted' ? deno.env.get(name) : undefined;
  }
  return host.process?.env?.[name];
}

let debugByDefault: boolean | undefined;

/** Whether pools are in debug mode unless told otherwise: SYNCPOOL_DEBUG=1, read once, on first use. */
export function debugFromEnvironment(): boolean {
  return (debugByDefault ??= environmentVariable('SYNCPOOL_DEBUG') === '1');
}

/**
 * A function that runs a full (mark-compact) garbage collection in this runtime, or a PoolError
 * that says what the runtime needs to allow one.
 */
export function fullGarbageCollector(): () => void {
  // Exposed by a flag: node --expose-gc, deno run --v8-flags=--expose-gc, chrome --js-flags=--expose-gc.
  if (typeof host.gc === 'function') return host.gc;
  const bun = host.Bun;
  if (typeof bun?.gc === 'function') return () => bun.gc(true);
  const v8gc = gcFromBuiltins();
  if (v8gc !== undefined) return v8gc;
  throw new PoolError(
    'gcCycle',
    'cannot force a garbage collection in this runtime: start it with gc exposed (in a browser, ' +
      'chromium --js-flags=--expose-gc; deno run --v8-flags=--expose-gc; node --expose-gc). ' +
      'Pools still run their cleanups after the major garbage collections the runtime does on its own.',
  );
}

// Node 20.16+ and 22.3+, and Deno 2: V8's gc function, exposed in a fresh context without a
// command-line flag. Where the built-ins are missing or do not expose it, undefined.
function gcFromBuiltins(): (() => void) | undefined {
  const process = host.process;
  if (typeof process?.getBuiltinModule !== 'function') return undefined;
  const v8 = process.getBuiltinModule('node:v8') as { setFlagsFromString?: (flags: string) => void } | undefined;
  const vm = process.getBuiltinModule('node:vm') as { runInNewContext?: (code: string) => unknown } | undefined;
  if (typeof v8?.setFlagsFromString !== 'function' || typeof vm?.runInNewContext !== 'function') return undefined;
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('typeof gc === "function" ? gc : undefined');
  return typeof gc === 'function' ? (gc as () => void) : undefined;
}

let identity: number | null | undefined;

/**
 * The calling thread's worker_threads threadId where it names the thread uniquely in the process,
 * which is what another thread holds of it (worker.threadId): in Node and in Bun. Undefined
 * elsewhere: browsers have no such id, and Deno's web workers all report threadId 0. Read once.
 */
export function threadIdentity(): number | undefined {
  if (identity === undefined) {
    const process = host.process;
    const builtins = typeof process?.getBuiltinModule === 'function' && host.Deno === undefined
      ? process.getBuiltinModule('node:worker_threads') as { threadId?: unknown } | undefined : undefined;
    const id = builtins?.threadId;
    identity = typeof id === 'number' && Number.isInteger(id) && id >= 0 ? id : null;
  }
  return identity ?? undefined;
}
