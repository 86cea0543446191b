/**
 * Exercise 10: a hand-rolled mutex pool against the per-P pool, under contention, and their memory.
 */
import { byMode, type Exercise, type Judgement, type Result } from '../exercise.js';
import { figuresOf } from '../lib/bench.js';
import { lineChart, type Row } from '../lib/chart-specs.js';
import { GO_COUNT, goBenchFigures, goSection } from '../lib/go.js';
import { over, median, round, showSpread, spreadFields, type Spread } from '../lib/stats.js';
import { measureThroughputs, ratioPerRound, type Measured, type RunMemory, type ThroughputConfig } from '../lib/throughput.js';

/** The seed's "significantly faster (5–50×)": its lower end. */
const SIGNIFICANT = 5;
/** "Similar memory": each pool's figure within this factor of the other's (the seed gives no number). */
const SIMILAR = 1.25;
const WORKERS = [1, 2, 4];
/** The contended case the verdict reads: two workers, one per core of a 2-core machine. */
const CONTENDED = 2;

/** Memory of one pool kind, from the contended runs. */
export interface PoolMemory {
  /** The pool's SharedArrayBuffer: the blocks (arena) and everything else (its own memory). */
  arenaBytes: number;
  ownBytes: number;
  /** Median over the rounds: the largest worker V8 heap, and the process's peak RSS growth. */
  workerHeapBytes: number;
  peakRssGrowth: number;
}

export interface ContentionFigures {
  /** M pairs/s with CONTENDED workers, over the rounds. */
  shared: Spread;
  mutex: Spread;
  /** shared / mutex, round by round. */
  ratio: Spread;
  sharedMemory: PoolMemory;
  mutexMemory: PoolMemory;
  /** sync.Pool / mutex pool throughput at GOMAXPROCS=2, when Go ran in the same run. */
  goRatio?: number;
}

/** The larger of a/b and b/a: how far apart two memory figures are, whichever is larger. */
const apart = (a: number, b: number) => (a === 0 && b === 0 ? 1 : Math.max(a, b) / Math.min(a, b));

const kib = (bytes: number) => `${round(bytes / 1024)} KiB`;
const mib = (bytes: number) => `${round(bytes / 1048576)} MiB`;

/**
 * The seed's two quantities: throughput under contention (at least 5×) and memory (similar).
 * Memory is read as the run's peak memory, the process's RSS growth and the workers' heaps, each
 * within 1.25× between the pools; the pools' own buffers are reported beside it.
 */
export function judgeContention(f: ContentionFigures): Judgement & { ratio: number } {
  const ratio = f.shared.median / f.mutex.median;
  const fast = ratio >= SIGNIFICANT;
  const rss = apart(f.sharedMemory.peakRssGrowth, f.mutexMemory.peakRssGrowth);
  const heap = apart(f.sharedMemory.workerHeapBytes, f.mutexMemory.workerHeapBytes);
  const similar = rss <= SIMILAR && heap <= SIMILAR;
  const own = f.sharedMemory.ownBytes / f.mutexMemory.ownBytes;
  const go = f.goRatio === undefined ? '' : ` Go in the same run: sync.Pool ${round(f.goRatio)}× the mutex pool at GOMAXPROCS=${CONTENDED} (ratio of medians).`;
  const speed = `With ${CONTENDED} workers SharedPool runs ${round(ratio)}× MutexPool's throughput (ratio of the medians ${showSpread(f.shared)} ` +
    `and ${showSpread(f.mutex)} M pairs/s, ${over(f.shared.n, 'round')}; separately, the per-round ratios were ${showSpread(f.ratio)}, median (min–max)), ` +
    `${fast ? `at least the ${SIGNIFICANT}×` : `less than the ${SIGNIFICANT}×`} the criterion needs.${go}`;
  const memory = `Memory: peak RSS growth ${mib(f.sharedMemory.peakRssGrowth)} against ${mib(f.mutexMemory.peakRssGrowth)} ` +
    `(${round(rss)}× apart), worker heap ${mib(f.sharedMemory.workerHeapBytes)} against ${mib(f.mutexMemory.workerHeapBytes)} ` +
    `(${round(heap)}× apart), ${similar ? `both within the ${SIMILAR}× read as similar` : `not within the ${SIMILAR}× read as similar`}; ` +
    `the same ${kib(f.sharedMemory.arenaBytes)} arena, and SharedPool's own memory (per-local records and rings) is ` +
    `${kib(f.sharedMemory.ownBytes)} against MutexPool's ${kib(f.mutexMemory.ownBytes)} (${round(own)}×).`;
  return {
    ratio,
    verdict: fast && similar ? 'holds' : 'does not hold',
    reason: `${speed} ${memory}`,
  };
}

function poolMemory(m: Measured): PoolMemory {
  const first: RunMemory = m.memory[0]!;
  return {
    arenaBytes: first.arenaBytes,
    ownBytes: first.bufferBytes - first.arenaBytes,
    workerHeapBytes: median(m.memory.map((r) => r.workerHeapBytes)),
    peakRssGrowth: median(m.memory.map((r) => r.peakRssGrowth)),
  };
}

const NAMES = { shared: 'TypeScript: SharedPool (per-P)', mutex: 'TypeScript: MutexPool (one locked stack)' } as const;

export const exercise: Exercise = {
  id: 10,
  slug: 'mutex-pool',
  title: 'Replace a hand-rolled mutex pool',
  goal: 'Benchmark a pool that guards one shared stack with a mutex against the per-P pool, with several ' +
    'threads getting and putting at once, and compare their memory.',
  criterion: `The per-P pool is significantly faster under contention (the seed expects ${SIGNIFICANT}–50×), with similar memory behaviour.`,
  analogue: 'MutexPool (one shared stack of block ids behind an Atomics.wait/notify lock, the hand-rolled pool) ' +
    `against SharedPool, same API and same arena, with ${WORKERS.join(', ')} workers each running get+put pairs ` +
    '(Go\'s RunParallel with -cpu 1,2,4; 4 workers oversubscribe a 2-core machine). Throughput is timed from the ' +
    'first worker\'s start to the last one\'s end; medians and ranges over fresh pools and threads, rounds ' +
    `interleaved. "Under contention" is ${CONTENDED} workers, where the verdict needs at least ${SIGNIFICANT}×. ` +
    'Memory, per pool: its arena and its own memory (the rest of its SharedArrayBuffer), the largest worker V8 ' +
    'heap after the loop, and the peak growth of the process\'s RSS during the run (sampled every 2 ms); ' +
    `"similar" is read as within ${SIMILAR}×. MutexPool's lock re-reads a taken lock up to 4 times (its default ` +
    'lockSpin) before it parks in Atomics.wait, as Go\'s sync.Mutex first spins up to 4 times when another P is ' +
    'running (src/sync/mutex.go:126–137, src/runtime/proc.go:6195–6207 and active_spin = 4 in ' +
    'src/runtime/lock_futex.go:30, Go 1.19) before it parks on a semaphore.',
  flags: [],
  async run(ctx): Promise<Result> {
    const sharedOps = byMode(ctx.mode, { tiny: 200_000, quick: 3_000_000, full: 20_000_000 });
    // The mutex pool is an order of magnitude slower; fewer pairs keep its runs as long.
    const mutexOps = byMode(ctx.mode, { tiny: 20_000, quick: 300_000, full: 2_000_000 });
    const rounds = byMode(ctx.mode, { tiny: 1, quick: 3, full: 9 });
    const configs: ThroughputConfig[] = WORKERS.flatMap((workers) => [
      { kind: 'shared' as const, workers, opsPerWorker: sharedOps },
      // MutexPool's default lock: it re-reads a taken lock lockSpin = 4 times (Go's count) before it
      // parks in Atomics.wait. bench/shared-pool.bench.ts measures the park-only and spin-only variants.
      { kind: 'mutex' as const, workers, opsPerWorker: mutexOps },
    ]);
    const measured = await measureThroughputs(configs, rounds, (f, l) => ctx.progress(0.9 * f, l), true);
    const at = (kind: string, workers: number) => measured.find((m) => m.config.kind === kind && m.config.workers === workers)!;
    const perRound = (w: number) => ratioPerRound(at('shared', w), at('mutex', w));

    let goRows: Row[] = [];
    let goRatio: number | undefined;
    const go = ctx.withGo ? await goSection(async () => {
      ctx.progress(0.9, 'go test -bench Contended');
      const g = await goBenchFigures('^BenchmarkContended', '10-mutex-pool',
        { benchtime: ctx.mode === 'tiny' ? '20000x' : '200ms', cpu: WORKERS.join(','), count: GO_COUNT[ctx.mode] });
      // M pairs/s = 1000 / ns per pair; the range inverts with it.
      const mops = (ns: Spread): Spread => ({ median: 1000 / ns.median, min: 1000 / ns.max, max: 1000 / ns.min, n: ns.n });
      const rows = WORKERS.map((w) => {
        const pool = figuresOf(g.figures, `ContendedSyncPool-${w}`);
        const mutex = figuresOf(g.figures, `ContendedMutexPool-${w}`);
        return { w, pool, mutex, poolM: mops(pool.ns), mutexM: mops(mutex.ns) };
      });
      const contended = rows.find((r) => r.w === CONTENDED)!;
      goRatio = contended.poolM.median / contended.mutexM.median;
      goRows = rows.flatMap((r) => [
        { workers: r.w, pool: 'Go: sync.Pool', language: 'Go', ...spreadFields('mops', r.poolM) },
        { workers: r.w, pool: 'Go: sync.Mutex-guarded slice', language: 'Go', ...spreadFields('mops', r.mutexM) },
      ]);
      return {
        tables: [{
          title: `Go: sync.Mutex-guarded slice pool against sync.Pool, RunParallel with -cpu ${WORKERS.join(',')}; ` +
            `M Get+Put pairs/s = 1000 / ns/op, ${over(GO_COUNT[ctx.mode], 'run')}`,
          columns: ['GOMAXPROCS', 'sync.Pool', 'mutex pool', 'ratio of medians', 'B/op (sync.Pool, mutex pool)'],
          rows: rows.map((r) => [r.w, showSpread(r.poolM), showSpread(r.mutexM), round(r.poolM.median / r.mutexM.median),
            `${round(r.pool.bytesPerOp)}, ${round(r.mutex.bytesPerOp)}`]),
        }],
        artifacts: [g.artifact],
      };
    }) : undefined;

    const sharedMemory = poolMemory(at('shared', CONTENDED));
    const mutexMemory = poolMemory(at('mutex', CONTENDED));
    const { ratio, verdict, reason } = judgeContention({
      shared: at('shared', CONTENDED).mops, mutex: at('mutex', CONTENDED).mops, ratio: perRound(CONTENDED),
      sharedMemory, mutexMemory, ...(goRatio === undefined ? {} : { goRatio }),
    });
    const single = at('shared', 1).mops.median / at('mutex', 1).mops.median;
    const tsRows: Row[] = measured.map((m) => ({
      workers: m.config.workers, pool: NAMES[m.config.kind as 'shared' | 'mutex'], language: 'TypeScript', ...spreadFields('mops', m.mops),
    }));
    return {
      verdict,
      reason,
      explanation:
        `Alone (1 worker) SharedPool runs ${round(single)}× MutexPool (ratio of medians, as in every ratio of this paragraph): a MutexPool pair pays for a lock and an ` +
        'unlock, each an Atomics builtin call (a locked instruction), while a SharedPool private hit is a few plain ' +
        `loads and stores. With ${CONTENDED} workers the ratio is ${round(ratio)}×: every pair of every worker writes ` +
        'the same lock word and stack top, so the cache line holding them moves between cores, and a worker that ' +
        'finds the lock taken re-reads it, then sleeps in Atomics.wait until the holder\'s unlock wakes it. SharedPool\'s workers each ' +
        'cycle a block through their own private slot and never touch another thread\'s memory. ' +
        (goRatio === undefined ? '' : `Go's ratio at GOMAXPROCS=${CONTENDED} in this run is ${round(goRatio)}×, ` +
          `${goRatio < ratio ? 'smaller than' : 'not smaller than'} the ${round(ratio)}× here. `) +
        'Both pools hand out blocks of one fixed arena, and their workers\' heaps came out ' +
        `${apart(sharedMemory.workerHeapBytes, mutexMemory.workerHeapBytes) <= 1.05 ? 'the same size (within 5%)' : 'of different sizes (see the memory table)'}; ` +
        'SharedPool\'s own memory differs because every local has a ring with room for the whole arena, so it grows with maxLocals.',
      tables: [{
        title: `Throughput, million get+put pairs per second, ${over(rounds, 'round')}`,
        columns: ['workers', 'SharedPool', 'MutexPool', 'ratio of medians', 'per-round ratios, median (min–max)'],
        rows: WORKERS.map((w) => [w, showSpread(at('shared', w).mops), showSpread(at('mutex', w).mops),
          round(at('shared', w).mops.median / at('mutex', w).mops.median), showSpread(perRound(w))]),
      }, {
        title: `Memory with ${CONTENDED} workers (medians of ${rounds} rounds)`,
        columns: ['pool', 'arena', 'own memory', 'largest worker heap', 'peak RSS growth'],
        rows: [['SharedPool', sharedMemory, 'shared'], ['MutexPool', mutexMemory, 'mutex']].map(([name, m]) => {
          const pm = m as PoolMemory;
          return [name as string, kib(pm.arenaBytes), kib(pm.ownBytes), mib(pm.workerHeapBytes), mib(pm.peakRssGrowth)];
        }),
      }],
      charts: [{
        name: 'contention',
        title: `Get+put throughput against the number of workers, median and range${go === undefined ? '' : '; Go from the same run'}`,
        spec: lineChart({
          data: [...tsRows, ...goRows],
          x: { field: 'workers', title: 'workers (GOMAXPROCS for Go)', log: true, ticks: WORKERS },
          y: { field: 'mops', title: 'million get+put pairs per second', log: true },
          series: 'pool',
          dash: 'language',
          spread: 'bars',
        }),
      }],
      artifacts: [],
      ...(go === undefined ? {} : { go }),
    };
  },
};
