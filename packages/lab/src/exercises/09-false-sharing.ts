/**
 * Exercise 9: the padding between per-P records against false sharing.
 */
import { cpus } from 'node:os';
import { SharedPool } from 'syncpool';
import { byMode, type Exercise, type Judgement, type Result } from '../exercise.js';
import { barChart } from '../lib/chart-specs.js';
import { noGoRun } from '../lib/go.js';
import { over, round, showSpread, spread, spreadFields, type Spread } from '../lib/stats.js';
import { measureThroughputs, ratioPerRound, type Measured, type ThroughputConfig } from '../lib/throughput.js';

/** "Measurably faster": the padded pool's median throughput at least this many times the packed one's. */
const MEASURABLE = 1.1;
/**
 * Two workers can share a cache line only while both run at once. Two control workers, which
 * touch no shared memory, reach at least this many times one control worker's throughput when
 * the OS runs them at the same time; below it the cores were busy and nothing could be measured.
 */
const PARALLEL = 1.3;

/** Medians over the rounds (M pairs/s), and the per-round padded/packed ratios. */
export interface PaddingFigures {
  padded: Spread;
  packed: Spread;
  /** padded / packed, round by round, with 2 workers and with 1. */
  ratio: Spread;
  singleRatio: Spread;
  /** Control throughput (M ops/s) with 1 and 2 workers: did two threads run at once? */
  control1: Spread;
  control2: Spread;
}

/**
 * The seed's quantity: padded against unpadded throughput with one writer per core. Whether
 * the workers ran at the same time is read from the control workers, never from the pool runs:
 * a padding that failed to stop false sharing would itself keep two padded workers from
 * scaling, and must then read as "does not hold", not as "the cores were busy".
 */
export function judgePadding(f: PaddingFigures): Judgement & { parallel: number } {
  const parallel = f.control2.median / f.control1.median;
  const ratio = f.padded.median / f.packed.median;
  const measured = `with 2 workers pad 128 ran ${round(ratio)}× the throughput of pad 0 (ratio of the medians ${showSpread(f.padded)} ` +
    `and ${showSpread(f.packed)} M pairs/s, ${over(f.padded.n, 'round')}, each layout on its slower placement; separately, the ` +
    `per-round ratios were ${showSpread(f.ratio)}, median (min–max))`;
  if (parallel < PARALLEL) {
    return {
      parallel,
      verdict: 'not applicable here',
      reason: `The two workers could not run at the same time: two control workers that share no memory reached only ` +
        `${round(parallel)}× one control worker's throughput (under ${PARALLEL}×), so the cores were busy with other work ` +
        `and no cache line could be shared while both wrote. Measured instead, and not a verdict: ${measured}.`,
    };
  }
  const holds = ratio >= MEASURABLE;
  return {
    parallel,
    verdict: holds ? 'holds' : 'does not hold',
    reason: `Two control workers reached ${round(parallel)}× one worker's throughput, so two threads ran at once; ` +
      `${measured}: ${holds ? `at least ${MEASURABLE}×, measurably faster` : `under the ${MEASURABLE}× read as measurably faster`}. ` +
      `With 1 worker the median of the per-round ratios is ${round(f.singleRatio.median)}×.`,
  };
}

const label = (m: Measured) => m.config.kind === 'control' ? 'control (no shared memory)' : `pad ${m.config.pad}`;
/** The two workers' placements: locals 0 and 1, then locals 1 and 2, on the same pool. */
const PLACEMENTS = [0, 1] as const;
const placementName = (first: number) => `locals ${first}–${first + 1}`;

export const exercise: Exercise = {
  id: 9,
  slug: 'false-sharing',
  title: 'Measure false sharing',
  goal: 'Remove the padding that keeps each P\'s record on its own cache lines, and compare get/put ' +
    'throughput with several threads against the padded layout.',
  criterion: 'The padded layout is measurably faster (the seed expects 1.5–3× on 8 or more cores).',
  analogue: 'SharedPool takes the padding as an option, so no patched copy is needed: `pad: 128` (the default, ' +
    'Go\'s) against `pad: 0`, which packs the 44-byte per-local records (private slot, head/tail word, steal-claim ' +
    'word, counters) next to each other. Each worker, attached to its own local, runs get+put pairs on one block: ' +
    'every pair writes its private slot and two counters, bytes 4 to 23 of its record. JavaScript cannot choose ' +
    'where a SharedArrayBuffer\'s memory starts, and V8 aligns it only to 16 bytes, so whether two packed neighbours ' +
    'write one 64-byte line depends on the address: locals 0 and 1 do when the buffer starts 0 or 48 bytes into a ' +
    'line, locals 1 and 2 when it starts 0, 16 or 32 bytes in. So each pool runs both placements, one after the ' +
    'other, and each layout is judged on its slower one (the same rule for both layouts). Throughput is timed ' +
    `from the first worker's start to the last one's end; medians and ranges over fresh pools and threads, rounds ` +
    `interleaved. "Measurably" is read as a median ratio of at least ${MEASURABLE}. Control workers that share ` +
    'no memory at all run in the same rounds: the experiment can measure only if two of them reach ' +
    `${PARALLEL}× one's throughput, i.e. if two threads really ran at once.`,
  flags: [],
  async run(ctx): Promise<Result> {
    const opsPerWorker = byMode(ctx.mode, { tiny: 200_000, quick: 10_000_000, full: 40_000_000 });
    const rounds = byMode(ctx.mode, { tiny: 1, quick: 7, full: 15 });
    const configs: ThroughputConfig[] = [1, 2].flatMap((workers) => [
      ...[128, 0].map((pad) => ({ kind: 'shared' as const, workers, pad, opsPerWorker, ...(workers === 2 ? { firstLocals: PLACEMENTS } : {}) })),
      // A control iteration is about 4× cheaper than a get+put pair: 4× as many keep the runs as long.
      { kind: 'control' as const, workers, opsPerWorker: 4 * opsPerWorker },
    ]);
    const measured = await measureThroughputs(configs, rounds, ctx.progress);
    const at = (workers: number, kind: string, pad?: number) =>
      measured.find((m) => m.config.workers === workers && m.config.kind === kind && m.config.pad === pad)!;
    const figures: PaddingFigures = {
      padded: at(2, 'shared', 128).mops,
      packed: at(2, 'shared', 0).mops,
      ratio: ratioPerRound(at(2, 'shared', 128), at(2, 'shared', 0)),
      singleRatio: ratioPerRound(at(1, 'shared', 128), at(1, 'shared', 0)),
      control1: at(1, 'control').mops,
      control2: at(2, 'control').mops,
    };
    const { verdict, reason } = judgePadding(figures);
    const recordBytes = (pad: number) => {
      const p = SharedPool.create({ blockSize: 64, blocks: 1, maxLocals: 2, pad });
      p.detach();
      return p.buffer.byteLength;
    };
    const single = figures.singleRatio.median;
    const cores = cpus().length;
    // Per pad: in how many rounds each placement was the slower one, and how far apart the two were.
    const placementFindings = [128, 0].map((pad) => {
      const runs = at(2, 'shared', pad).placements;
      const slowerFirst = runs.filter((p) => p[0]! < p[1]!).length;
      const gap = spread(runs.map((p) => Math.max(...p) / Math.min(...p)));
      return `pad ${pad}: locals 0–1 were the slower placement in ${slowerFirst} and locals 1–2 in ` +
        `${runs.length - slowerFirst} of ${runs.length} rounds, the faster placement's throughput ${showSpread(gap)}× the slower's (median (min–max))`;
    });
    const placementRows = [128, 0].flatMap((pad) => PLACEMENTS.map((first, j) =>
      [pad, placementName(first), showSpread(spread(at(2, 'shared', pad).placements.map((p) => p[j]!)))]));
    return {
      verdict,
      reason,
      explanation:
        'A private-slot hit writes only the worker\'s own record, yet with pad 0 two neighbouring records can sit in ' +
        'one 64-byte cache line. Each write by one core then invalidates the line in the other core\'s cache, so two ' +
        'workers running at once take turns owning the line although they never touch the same word: false ' +
        'sharing. With 128-byte records no line holds words of two records, wherever the buffer starts. Which ' +
        `placement shared a line follows the address of each round's pool: ${placementFindings.join('; ')}. ` +
        'The single-worker ratio is the ' +
        `control for the layouts: with one worker pad 128 ran ${round(single)}× pad 0 (median of the per-round ratios) ` +
        (Math.abs(single - 1) <= 0.1
          ? '(within 10%: without a second writer the layout makes no difference, so a two-worker gap is the sharing).'
          : `(more than 10% away from 1 with nobody to share a line with, so part of any two-worker gap is not sharing; ` +
            'compare the ranges).') +
        ` This machine has ${cores} core${cores === 1 ? '' : 's'}, so the seed's figures for 8 or more cannot be ` +
        'reproduced here. Go pads each poolLocal to a multiple of 128 bytes: "Prevents false sharing on widespread ' +
        'platforms with 128 mod (cache line size) = 0" (src/sync/pool.go:73–75 in Go 1.19). The padding costs ' +
        `${recordBytes(128) - recordBytes(0)} bytes for 2 locals here.`,
      tables: [{
        title: `Throughput, million get+put pairs (control: loop iterations) per second, ${over(rounds, 'round')}; ` +
          `${opsPerWorker} pairs (control: ${4 * opsPerWorker} iterations) per worker`,
        columns: ['workers', 'layout', 'M per second', 'samples'],
        rows: measured.map((m) => [m.config.workers, label(m), showSpread(m.mops), m.samples.map((s) => round(s)).join(', ')]),
      }, {
        title: `Two workers by placement on the same pool, M get+put pairs per second, ${over(rounds, 'round')} ` +
          '(the first table gives the slower placement of each round)',
        columns: ['pad', 'placement', 'M per second'],
        rows: placementRows,
      }],
      charts: [{
        name: 'pad',
        title: `Get+put throughput with padded and packed per-local records, median and range of ${rounds}`,
        spec: barChart({
          data: measured.filter((m) => m.config.kind === 'shared').map((m) => ({
            workers: `${m.config.workers} worker${m.config.workers > 1 ? 's' : ''}`, layout: label(m), ...spreadFields('mops', m.mops),
          })),
          x: { field: 'workers', title: 'workers writing' },
          y: { field: 'mops', title: 'million get+put pairs per second' },
          group: 'layout',
          spread: true,
        }),
      }],
      artifacts: [],
      ...(ctx.withGo ? {
        go: noGoRun('No Go run: removing poolLocal\'s pad means patching sync in GOROOT, which the lab does not ' +
          'touch. SharedPool\'s pad option is the switch Go does not have.'),
      } : {}),
    };
  },
};
