import type { B } from './b.js';

/** A benchmark: loops b.N times around the work; an async one may await inside the loop. */
export type BenchFunction = (b: B) => void | Promise<void>;
export interface Registered { name: string; fn: BenchFunction }

// Benchmark files import 'syncpool-bench' however their resolver finds it (the built dist,
// or src through tsx in this repository's tests), so more than one copy of this module can be
// loaded in one process. The list lives on globalThis so every copy registers into the one the
// child process reads.
const KEY = Symbol.for('syncpool-bench.registry');

export function registered(): Registered[] {
  const g = globalThis as { [KEY]?: Registered[] };
  return (g[KEY] ??= []);
}

/**
 * Registers a benchmark, as Go's `func BenchmarkName(b *testing.B)`: it is reported as
 * BenchmarkName. Loop `for (let i = 0; i < b.N; i++)` around the work to measure. fn may be
 * async: the harness awaits it, and its time includes everything until its Promise settles.
 */
export function bench(name: string, fn: BenchFunction): void {
  if (typeof name !== 'string' || !/^\p{Lu}[^\s/]*$/u.test(name)) {
    throw new TypeError(`bench(${JSON.stringify(name)}): the name must start with an upper-case letter and contain no ` +
      'spaces or slashes, so that "Benchmark" + name is a benchmark name under Go\'s benchfmt rules (e.g. bench(\'PoolGetPut\', ...))');
  }
  if (typeof fn !== 'function') throw new TypeError(`bench('${name}', fn): fn must be a function (b) => void, or an async function`);
  const list = registered();
  if (list.some((r) => r.name === name)) {
    throw new TypeError(`bench('${name}'): a benchmark with this name is already registered in this file; names must be unique`);
  }
  list.push({ name, fn });
}
