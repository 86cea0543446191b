// @ts-check
// What an operator watches in each server process, measured from inside it: garbage-collection
// pauses by kind, event-loop delay, and peak memory. reset() starts the measured window (after
// the warm-up); snapshot() ends it.
import { PerformanceObserver, constants, monitorEventLoopDelay } from 'node:perf_hooks';
import { poolCounts } from './buffers.mjs';

const GC_KINDS = /** @type {const} */ ([
  [constants.NODE_PERFORMANCE_GC_MINOR, 'minor'], // scavenge of the young generation
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'major'], // mark-compact of the whole heap
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'], // a step of incremental marking
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'], // weak callbacks (e.g. ArrayBuffer frees)
]);

// Peaks are sampled; a peak between two samples is missed, the price of not stopping the process.
const SAMPLE_MS = 20;

/**
 * @typedef {object} ProcessMetrics
 * @property {Record<'minor' | 'major' | 'incremental' | 'weakcb', number>} gcCounts
 * @property {number} gcMs total pause time of all GC entries in the window
 * @property {number} eldP99Ns event-loop delay's 99th percentile (monitorEventLoopDelay, ELD_RESOLUTION_MS resolution)
 * @property {number} rssPeak bytes, sampled
 * @property {number} heapPeak heapUsed bytes, sampled
 * @property {number} arrayBuffersPeak bytes held by ArrayBuffers (off-heap backing stores), sampled
 * @property {{ gets: number, news: number }} pool the default BytesPool's counters in the window
 */

/** The event-loop delay monitor's sampling interval: its histogram records whole intervals of it. */
export const ELD_RESOLUTION_MS = 10;

export function startMetrics() {
  const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
  eld.enable();
  /** @type {Map<number, number>} */
  const counts = new Map();
  let gcMs = 0;
  /** @param {import('node:perf_hooks').PerformanceEntry[]} entries */
  const count = (entries) => {
    for (const entry of entries) {
      // A 'gc' entry's detail is a NodeGCPerformanceDetail (@types/node leaves detail off PerformanceEntry).
      const { kind } = /** @type {import('node:perf_hooks').NodeGCPerformanceDetail} */ (/** @type {{ detail?: unknown }} */ (entry).detail);
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
      gcMs += entry.duration;
    }
  };
  const observer = new PerformanceObserver((list) => count(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });

  let peaks = { rss: 0, heap: 0, arrayBuffers: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    peaks.rss = Math.max(peaks.rss, m.rss);
    peaks.heap = Math.max(peaks.heap, m.heapUsed);
    peaks.arrayBuffers = Math.max(peaks.arrayBuffers, m.arrayBuffers);
  };
  setInterval(sample, SAMPLE_MS).unref();
  let poolAtReset = poolCounts();

  return {
    reset() {
      observer.takeRecords(); // entries not yet delivered belong to the warm-up
      counts.clear();
      gcMs = 0;
      eld.reset();
      peaks = { rss: 0, heap: 0, arrayBuffers: 0 };
      sample();
      poolAtReset = poolCounts();
    },
    /** @returns {ProcessMetrics} */
    snapshot() {
      count(observer.takeRecords());
      sample();
      const pool = poolCounts();
      return {
        gcCounts: /** @type {ProcessMetrics['gcCounts']} */ (Object.fromEntries(GC_KINDS.map(([code, name]) => [name, counts.get(code) ?? 0]))),
        gcMs,
        eldP99Ns: eld.percentile(99),
        rssPeak: peaks.rss,
        heapPeak: peaks.heap,
        arrayBuffersPeak: peaks.arrayBuffers,
        pool: { gets: pool.gets - poolAtReset.gets, news: pool.news - poolAtReset.news },
      };
    },
  };
}
