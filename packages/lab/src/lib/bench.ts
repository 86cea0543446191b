/**
 * The lab's use of syncpool-bench: run one of its benchmark files (src/benches) in fresh
 * processes, as `go test -bench -benchmem` would, and read ns/op (median over the timing runs),
 * B/op and allocs/op per benchmark. The Go-format text is kept as the exercise's artifact.
 */
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBenchFiles, valueOf, type BenchResult } from 'syncpool-bench';
import type { Artifact, Mode } from '../exercise.js';
import { spread, type Spread } from './stats.js';

export interface Figures {
  /** Median and range of the timing runs (one per fresh process, or go test -count runs). */
  ns: Spread;
  bytesPerOp: number;
  allocsPerOp: number;
  /** GOMAXPROCS, the -P suffix. */
  procs: number;
}

/**
 * The runs of each benchmark folded into its figures: ns/op over all its runs, B/op and allocs/op
 * of its last. `keyOf` names a result's benchmark.
 */
export function foldRuns(results: readonly BenchResult[], keyOf: (r: BenchResult) => string): Map<string, Figures> {
  const runs = new Map<string, { ns: number[]; last: BenchResult }>();
  for (const r of results) {
    const key = keyOf(r);
    const ns = valueOf(r, 'ns/op') ?? NaN;
    const seen = runs.get(key);
    if (seen === undefined) runs.set(key, { ns: [ns], last: r });
    else {
      seen.ns.push(ns);
      seen.last = r;
    }
  }
  return new Map([...runs].map(([key, { ns, last }]) => [key, {
    ns: spread(ns),
    bytesPerOp: valueOf(last, 'B/op') ?? NaN,
    allocsPerOp: valueOf(last, 'allocs/op') ?? NaN,
    procs: last.procs,
  }]));
}

/** tiny: a fixed small N, numbers only prove it runs; quick: 3 fresh processes of 100 ms; full: 6 of 1 s. */
export const BENCH_SETTINGS: Record<Mode, { benchtime: string; count: number }> = {
  tiny: { benchtime: '2000x', count: 1 },
  quick: { benchtime: '100ms', count: 3 },
  full: { benchtime: '1s', count: 6 },
};

const here = dirname(fileURLToPath(import.meta.url));
const benchFile = (name: string) => join(here, '..', 'benches', `${name}.bench${extname(fileURLToPath(import.meta.url))}`);

export function runLabBench(name: string, mode: Mode, progress: (fraction: number, label: string) => void):
  Promise<{ figures: Map<string, Figures>; artifact: Artifact }> {
  return runBenchFile(benchFile(name), name, mode, progress);
}

/** Any benchmark file (`check 1` writes one over the learner's module), its results as `runLabBench`'s. */
export async function runBenchFile(file: string, name: string, mode: Mode, progress: (fraction: number, label: string) => void):
  Promise<{ figures: Map<string, Figures>; artifact: Artifact }> {
  const { benchtime, count } = BENCH_SETTINGS[mode];
  const run = await runBenchFiles([file], {
    benchtime,
    count,
    onProgress: (e) => progress(e.step / e.steps, `${e.pass} pass ${e.step + 1} of ${e.steps}`),
    onOutput: () => { /* a benchmark's own console output is not part of the report */ },
  });
  if (run.failures.length > 0) {
    throw new Error(`benchmarks in ${name}.bench failed:\n${run.failures.map((f) => `${f.name ?? f.file}: ${f.message}`).join('\n')}`);
  }
  const figures = foldRuns(run.results, (r) => r.name.replace(/^Benchmark/, ''));
  return { figures, artifact: { name: `bench/${name}.txt`, content: run.text, show: 'link' } };
}

/** The figures of one benchmark, or an error naming what ran instead. */
export function figuresOf<F>(figures: Map<string, F>, name: string): F {
  const f = figures.get(name);
  if (f === undefined) throw new Error(`no result for benchmark ${name}; got ${[...figures.keys()].join(', ')}`);
  return f;
}
