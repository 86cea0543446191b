/**
 * Throughput of get+put pairs on a SharedPool or MutexPool with N workers, each on its own
 * local: total pairs / (last end − first start), in millions of pairs per second. Go's
 * RunParallel reports the same thing inverted (ns/op over all goroutines).
 */
import { MutexPool, SharedPool } from 'syncpool';
import { median } from './stats.js';
import { runWorkers, workerScript } from './workers.js';
import type { ThroughputResult, ThroughputTask } from '../workers/throughput.js';

export interface ThroughputConfig {
  kind: ThroughputTask['kind'];
  workers: number;
  pad?: number;
  opsPerWorker: number;
}

export async function measureThroughput(config: ThroughputConfig): Promise<number> {
  const options = { blockSize: 64, blocks: 64, maxLocals: config.workers + 1, ...(config.pad === undefined ? {} : { pad: config.pad }) };
  const creator = config.kind === 'shared' ? SharedPool.create(options) : MutexPool.create(options);
  const buffer = creator.buffer;
  creator.detach();
  const tasks: ThroughputTask[] = Array.from({ length: config.workers }, () => ({ kind: config.kind, buffer, ops: config.opsPerWorker }));
  const { results } = await runWorkers<ThroughputResult>(workerScript('throughput'), tasks);
  if (results.some((r) => r.misses > 0)) throw new Error(`a ${config.kind} worker missed: its own block was not in its local`);
  const seconds = (Math.max(...results.map((r) => r.endMs)) - Math.min(...results.map((r) => r.startMs))) / 1000;
  return (config.workers * config.opsPerWorker) / seconds / 1e6;
}

/**
 * Runs every configuration `rounds` times, interleaved (round 1 of each, then round 2, ...), so
 * that a burst of load from other processes hits all of them alike; returns the medians.
 */
export async function medianThroughputs(configs: readonly ThroughputConfig[], rounds: number,
  progress: (fraction: number, label: string) => void): Promise<{ config: ThroughputConfig; mops: number; samples: number[] }[]> {
  const samples = configs.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (const [i, config] of configs.entries()) {
      progress((r * configs.length + i) / (rounds * configs.length), `${config.kind}, ${config.workers} workers, round ${r + 1}`);
      samples[i]!.push(await measureThroughput(config));
    }
  }
  return configs.map((config, i) => ({ config, mops: median(samples[i]!), samples: samples[i]! }));
}
