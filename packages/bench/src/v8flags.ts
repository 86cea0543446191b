import v8 from 'node:v8';
import vm from 'node:vm';
import { BenchError } from './errors.js';
import { RUNTIME } from './runtime.js';

// V8 flags that the memory measurement changes, at run time: --no-turbo-allocation-folding
// (and --no-sparkplug) apply to functions compiled after they are set, the ArrayBuffer
// sweeping and bytecode flushing flags are read at each GC. (--single-threaded-gc cannot be set
// late: setting it in a running Node 20 process crashed V8.)
export const ALLOCATION_FOLDING = 'turbo-allocation-folding';
export const CONCURRENT_AB_SWEEPING = 'concurrent-array-buffer-sweeping';

/** The command-line spelling of a boolean V8 flag: flagArg('x', false) is '--no-x'. */
export function flagArg(name: string, on: boolean): string {
  return on ? `--${name}` : `--no-${name}`;
}

/** True when the process was started with `arg` on its command line or in NODE_OPTIONS. */
export function startedWith(arg: string): boolean {
  return process.execArgv.includes(arg) || (process.env['NODE_OPTIONS'] ?? '').split(/\s+/).includes(arg);
}

/** Sets the boolean V8 flag `name` on or off in this running process. */
export function setFlag(name: string, on: boolean): void {
  v8.setFlagsFromString(flagArg(name, on));
}

let gcFunction: (() => void) | undefined;

/** A full, synchronous garbage collection, without needing node --expose-gc (Bun: Bun.gc(true)). */
export function fullGC(): void {
  if (gcFunction === undefined) {
    const global = globalThis as { gc?: () => void; Bun?: { gc(sync: boolean): void } };
    const bun = global.Bun;
    if (bun !== undefined) gcFunction = () => bun.gc(true);
    else if (global.gc !== undefined) gcFunction = global.gc;
    else {
      v8.setFlagsFromString('--expose-gc');
      gcFunction = vm.runInNewContext('gc') as () => void;
    }
  }
  gcFunction();
}

/** Whether V8's % natives are reachable: Node's v8.setFlagsFromString can turn them on late, Deno's cannot. */
export const NATIVES = RUNTIME === 'node';

const natives = new Map<string, Function>();

// V8's % natives, reachable from TypeScript by compiling a tiny function after turning on
// --allow-natives-syntax (it only affects code parsed afterwards).
function native(name: string, params: '' | 'f'): Function {
  let call = natives.get(name);
  if (call === undefined) {
    if (!NATIVES) throw new BenchError(`%${name} is V8's, reachable from Node only; ${RUNTIME} gives scripts no natives`);
    v8.setFlagsFromString('--allow-natives-syntax');
    call = new Function(params, `return %${name}(${params})`);
    natives.set(name, call);
  }
  return call;
}

/** Marks f as never optimized (and so never inlined into an optimized caller). */
export function neverOptimize(f: Function): void {
  native('NeverOptimizeFunction', 'f')(f);
}

/** Throws away f's optimized code: its next calls run in the interpreter until it is recompiled. */
export function deoptimize(f: Function): void {
  native('DeoptimizeFunction', 'f')(f);
}

/**
 * Makes sure f runs TurboFan code from its next call on. Concurrent compile jobs finish
 * whenever a background thread gets to them, which on a loaded 2-core box can be well after
 * a measured run has started (that run then stays in baseline code, allocating what escape
 * analysis would remove); so wait for the jobs in flight, then compile f synchronously if it
 * still is not optimized.
 */
export function optimizeNow(f: Function): void {
  finishCompiles();
  native('OptimizeFunctionOnNextCall', 'f')(f);
}

/** Waits for the background compile jobs in flight and installs their code. */
export function finishCompiles(): void {
  native('FinalizeOptimization', '')();
}

const TURBOFANNED = 1 << 6; // V8's OptimizationStatus::kTurboFanned

/** Whether f currently has TurboFan code. */
export function isTurboFanned(f: Function): boolean {
  return ((native('GetOptimizationStatus', 'f')(f) as number) & TURBOFANNED) !== 0;
}
