// The JavaScript runtime this process runs in, and what it lets the harness measure. Node runs
// every pass as designed. Deno is V8 too, with v8.GCProfiler and heap statistics, so heap bytes
// and GC counts are measured there as in Node; not off-heap bytes (its external-memory figure
// does not follow ArrayBuffer backing stores: new Uint8Array(1024) read 236 of its 1024 bytes),
// and not allocations: it gives scripts no V8
// natives (%OptimizeFunctionOnNextCall needs --allow-natives-syntax at start-up) and its
// inspector session answers asynchronously, so the sampling heap profiler that allocs/op rests
// on cannot run around a synchronous loop: no allocs/op there. Bun runs JavaScriptCore, whose
// node:v8 statistics are a stand-in (their total_allocated_bytes did not move over a million
// allocations) and which exposes no allocation counter: only ns/op there.

export type RuntimeName = 'node' | 'deno' | 'bun';

const global = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };

export const RUNTIME: RuntimeName = global.Bun !== undefined ? 'bun' : global.Deno !== undefined ? 'deno' : 'node';

/** The runtime's own version, as its --version prints it. */
export function runtimeVersion(): string {
  if (global.Bun !== undefined) return global.Bun.version;
  if (global.Deno !== undefined) return global.Deno.version.deno;
  return process.version;
}

/**
 * What the memory stage measures here: 'all' (B/op with its off-heap part, GC counts,
 * allocs/op), 'heap' (B/op of heap bytes alone, GC counts) or 'none'.
 */
export const MEMORY_MEASURED: 'all' | 'heap' | 'none' = RUNTIME === 'node' ? 'all' : RUNTIME === 'deno' ? 'heap' : 'none';

/** Why a metric is missing from this runtime's result lines, for the header and the views. */
export const NOT_MEASURED: Record<RuntimeName, string | undefined> = {
  node: undefined,
  deno: 'B/op counts heap bytes only; off-heap bytes and allocs/op not measured here (Deno\'s external-memory figure does not ' +
    'follow ArrayBuffer backing stores, and its inspector answers asynchronously, so its sampling heap profiler cannot count a synchronous loop)',
  bun: 'B/op, allocs/op and GCs/op not measured here: JavaScriptCore exposes no count of bytes or objects allocated',
};
