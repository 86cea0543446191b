/**
 * Throughput of get+put pairs on a SharedPool or MutexPool with N workers, each on its own
 * local: total pairs / (last end − first start), in millions of pairs per second. Go's
 * RunParallel reports the same thing inverted (ns/op over all goroutines). 'control' workers
 * touch no shared memory (workers/throughput.ts).
 */
import { MutexPool, SharedPool, type SharedPoolOptions } from 'syncpool';
import { spread, type Spread } from './stats.js';
import { runWorkers, workerScript } from './workers.js';
import type { ThroughputResult, ThroughputTask } from '../workers/throughput.js';

export interface ThroughputConfig {
  kind: ThroughputTask['kind'];
  workers: number;
  pad?: number;
  opsPerWorker: number;
  /**
   * Where the workers sit: one run per entry on the same pool, the workers on the adjacent locals
   * from that one on; the measurement is the slowest run. Default [0]. Exercise 9 runs [0, 1]:
   * whether two packed records share a cache line depends on where the engine put the buffer.
   */
  firstLocals?: readonly number[];
}

/** The memory of one run: the pool's buffer, the workers' V8 heaps, and the process's peak RSS. */
export interface RunMemory {
  /** The whole SharedArrayBuffer, and the part of it that is the blocks themselves. */
  bufferBytes: number;
  arenaBytes: number;
  /** The largest V8 heap in use among the workers, after their loops. */
  workerHeapBytes: number;
  /** Peak resident set size of the process during the run, above its size just before the pool was made. */
  peakRssGrowth: number;
}

export interface Measurement {
  /** The slowest placement's throughput. */
  mops: number;
  /** Throughput per entry of firstLocals, in its order. */
  placements: number[];
  memory: RunMemory;
}

const BLOCK_SIZE = 64;
const BLOCKS = 64;
/** How often the main thread samples the process's RSS while the workers run. */
const RSS_SAMPLE_MS = 2;

/**
 * One run. With `sampleRss` the main thread wakes every few milliseconds to read the process's
 * RSS; without it (exercise 9, where a waking main thread would compete with the workers for
 * the cores) the peak is read only before and after the run.
 */
export async function measureThroughput(config: ThroughputConfig, sampleRss = false): Promise<Measurement> {
  const rssBefore = process.memoryUsage.rss();
  let peakRss = rssBefore;
  const sampler = sampleRss ? setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage.rss()); }, RSS_SAMPLE_MS) : undefined;
  try {
    let buffer: SharedArrayBuffer | undefined;
    const firstLocals = config.firstLocals ?? [0];
    const Pool = config.kind === 'shared' ? SharedPool : MutexPool;
    if (config.kind !== 'control') {
      const options: SharedPoolOptions = {
        blockSize: BLOCK_SIZE, blocks: BLOCKS, maxLocals: Math.max(...firstLocals) + config.workers,
        ...(config.pad === undefined ? {} : { pad: config.pad }),
      };
      const creator = Pool.create(options);
      buffer = creator.buffer;
      creator.detach();
    }
    const placements: number[] = [];
    let workerHeapBytes = 0;
    for (const first of firstLocals) {
      // attach() takes the lowest free local: holding locals 0..first-1 here puts the workers on first...
      const pool = buffer;
      const held = pool === undefined ? [] : Array.from({ length: first }, () => Pool.attach(pool));
      try {
        const tasks: ThroughputTask[] = Array.from({ length: config.workers }, () => ({ kind: config.kind, ops: config.opsPerWorker, ...(pool === undefined ? {} : { buffer: pool }) }));
        const { results } = await runWorkers<ThroughputResult>(workerScript('throughput'), tasks);
        if (results.some((r) => r.misses > 0)) throw new Error(`a ${config.kind} worker missed: its own block was not in its local`);
        const seconds = (Math.max(...results.map((r) => r.endMs)) - Math.min(...results.map((r) => r.startMs))) / 1000;
        placements.push((config.workers * config.opsPerWorker) / seconds / 1e6);
        workerHeapBytes = Math.max(workerHeapBytes, ...results.map((r) => r.heapUsed));
      } finally {
        for (const attachment of held) attachment.detach();
      }
    }
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    return {
      mops: Math.min(...placements),
      placements,
      memory: {
        bufferBytes: buffer?.byteLength ?? 0,
        arenaBytes: buffer === undefined ? 0 : BLOCKS * BLOCK_SIZE,
        workerHeapBytes,
        peakRssGrowth: peakRss - rssBefore,
      },
    };
  } finally {
    clearInterval(sampler);
  }
}

export interface Measured {
  config: ThroughputConfig;
  /** M pairs/s: median and range over the rounds. */
  mops: Spread;
  /** Per round, in round order, so that ratios can be taken round by round. */
  samples: number[];
  /** Per round, the throughput of each placement (config.firstLocals). */
  placements: number[][];
  memory: RunMemory[];
}

/**
 * Runs every configuration `rounds` times, interleaved (round 1 of each, then round 2, ...), so
 * that a burst of load from other processes hits all of them alike.
 */
export async function measureThroughputs(configs: readonly ThroughputConfig[], rounds: number,
  progress: (fraction: number, label: string) => void, sampleRss = false): Promise<Measured[]> {
  const runs = configs.map(() => [] as Measurement[]);
  for (let r = 0; r < rounds; r++) {
    for (const [i, config] of configs.entries()) {
      progress((r * configs.length + i) / (rounds * configs.length), `${config.kind}, ${config.workers} workers, round ${r + 1}`);
      runs[i]!.push(await measureThroughput(config, sampleRss));
    }
  }
  return configs.map((config, i) => {
    const samples = runs[i]!.map((m) => m.mops);
    return { config, mops: spread(samples), samples, placements: runs[i]!.map((m) => m.placements), memory: runs[i]!.map((m) => m.memory) };
  });
}

/** a's throughput over b's, round by round (the rounds are interleaved, so each pair saw the same load). */
export function ratioPerRound(a: Measured, b: Measured): Spread {
  return spread(a.samples.map((s, r) => s / b.samples[r]!));
}
