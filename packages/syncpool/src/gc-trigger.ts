// What runs poolCleanup: the analogue of Go's runtime_registerPoolCleanup.
//
// Go's runtime calls poolCleanup with the world stopped at the start of every GC. V8 offers no
// pre-GC hook, so the nearest portable signal is a FinalizationRegistry sentinel: an unreachable
// object that only a major (mark-compact) GC collects, never a scavenge (measured on V8: each
// major GC runs the registry's callback once, a minor GC never). The sentinel needs nothing but
// FinalizationRegistry, so cleanups follow the runtime's own collections in Node, Deno, Bun and
// browsers alike (test/runtimes.test.ts runs them in each). Differences that follow, documented
// in the README:
//   - cleanup runs just after a major GC, as a task at the next turn of the event loop, not
//     during the pause; items pooled now are released by the GC after next, not this one;
//   - a synchronous stretch of code sees no cleanup at all, however many GCs happen in it.
// get and put never touch this module: a pool calls armCleanup() only when it registers (its
// first put after a cleanup), so the hot path pays nothing.

import { PoolError } from './errors.js';
import { fullGarbageCollector } from './runtime.js';

export type CleanupMode = 'gc' | 'manual';

let cleanup: () => boolean = () => false;
let mode: CleanupMode = 'gc';
let armed = false;
let waiters: (() => void)[] = [];

/**
 * Installs the cleanup to run after each major GC. It returns whether any pool still holds
 * items, i.e. whether the next GC has work to do.
 */
export function registerPoolCleanup(fn: () => boolean): void {
  cleanup = fn;
}

const sentinels = new FinalizationRegistry<undefined>(afterMajorGC);
const unregisterToken = {};

// Exactly one sentinel exists at a time, so one GC runs one cleanup, however many pools or
// gcCycle() callers are waiting. The sentinel is re-planted only while pools hold items: a
// program whose pools are idle and empty keeps nothing armed.
function plantSentinel(): void {
  if (armed) return;
  armed = true;
  sentinels.register({}, undefined, unregisterToken);
  disarmAtExit();
}

// Node has hung at exit when a FinalizationRegistry still had cells to clean (nodejs/node#49344,
// #47748, seen with NODE_V8_COVERAGE; pino and undici avoid registries there). Unregistering the
// sentinel when the process exits leaves no registry with pending work during teardown.
let exitHookInstalled = false;
function disarmAtExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const process = (globalThis as { process?: { once?: (event: 'exit', listener: () => void) => void } }).process;
  process?.once?.('exit', () => {
    mode = 'manual';
    sentinels.unregister(unregisterToken);
  });
}

function afterMajorGC(): void {
  armed = false;
  const requested = waiters;
  if (mode === 'manual' && requested.length === 0) return;
  waiters = [];
  const stillHoldsItems = cleanup();
  for (const resolve of requested) resolve();
  if (mode === 'gc' && stillHoldsItems) plantSentinel();
}

/** Called by a pool that starts holding items, so that the next major GC runs a cleanup. */
export function armCleanup(): void {
  if (mode === 'gc') plantSentinel();
}

/**
 * 'gc' (the default): a cleanup runs after every major garbage collection, as in Go.
 * 'manual': no automatic cleanup; only poolCleanup() and gcCycle() run one, for programs and tests
 * that want to decide when pooled items are released.
 */
export function setCleanupMode(next: CleanupMode): void {
  if (next !== 'gc' && next !== 'manual') {
    throw new TypeError(`setCleanupMode: mode must be 'gc' or 'manual', got ${String(next)}`);
  }
  mode = next;
  if (mode === 'gc') plantSentinel();
}

export function cleanupMode(): CleanupMode {
  return mode;
}

// How many full GCs gcCycle tries before giving up, and how many event-loop turns it waits after
// each one for the finalization task (it normally runs on the first turn).
const GC_ATTEMPTS = 10;
const TURNS_PER_ATTEMPT = 3;

/**
 * Forces a real full garbage collection and resolves once the pool cleanup it caused has run, in
 * either cleanup mode. Concurrent calls share one cleanup. Node, Deno and Bun need no
 * command-line flag; a browser needs gc exposed (chromium --js-flags=--expose-gc). Where the
 * runtime cannot force a collection, it rejects with a PoolError that says what it needs.
 */
export async function gcCycle(): Promise<void> {
  const collect = (cachedGC ??= fullGarbageCollector());
  let done = false;
  waiters.push(() => {
    done = true;
  });
  plantSentinel();
  for (let attempt = 0; attempt < GC_ATTEMPTS; attempt++) {
    collect();
    for (let turn = 0; turn < TURNS_PER_ATTEMPT && !done; turn++) await nextTurn();
    if (done) return;
  }
  throw new PoolError(
    'gcCycle',
    `no cleanup ran after ${GC_ATTEMPTS} full garbage collections; the runtime did not collect the sentinel object`,
  );
}

let cachedGC: (() => void) | undefined;

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
