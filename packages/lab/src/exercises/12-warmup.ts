/**
 * Exercise 12: how many items to pre-warm. The steady-state New rate against K, judged for an
 * elbow; the start-up window's elbow as a separate finding.
 */
import { Pool, gcCycle, setCleanupMode } from 'syncpool';
import { byMode, type Exercise, type Judgement, type Result, type Table } from '../exercise.js';
import { lineChart, type Row } from '../lib/chart-specs.js';
import { findElbow, type Elbow } from '../lib/elbow.js';
import { goMeasure, goPresent, goProgram, type GoRun, type GoSection } from '../lib/go.js';
import { over, round, seededRandom, showSpread, spread, spreadFields, type Spread } from '../lib/stats.js';

/** The most items one request holds at once; the workload's peak demand. */
const PEAK = 16;
/**
 * Requests between two collections: the lab's "GC every 100 ms", counted in requests. Few
 * enough that the largest burst differs from cycle to cycle, so the steady state is not 0.
 */
const REQUESTS_PER_CYCLE = 50;
/** Cycles before the second collection: the start-up window, which a warm-up can change. */
const STARTUP_CYCLES = 2;
/** A minimum bend (in the unit square) for a point to count as an elbow rather than noise. */
const SHARP_ELBOW = 0.15;
/** A curve whose range across K is within this fraction of its largest value is flat: no elbow. */
const FLAT = 0.1;

export interface Point {
  k: number;
  startupRate: number;
  steadyRate: number;
  /** The largest demand of one request in the start-up window. */
  startupPeak: number;
  wasted: number;
}

/**
 * A request handler holding d items at once, d drawn from a skewed distribution: usually 1–3,
 * rarely PEAK. Pre-warmed with K items, it serves `cycles` cycles of requests with a forced
 * collection after each. The start-up window is the cycles before the second collection,
 * steady state every cycle after it.
 */
async function sweepPoint(k: number, cycles: number, seed: number): Promise<Point> {
  let news = 0;
  const pool = new Pool<Uint8Array>({ new: () => { news++; return new Uint8Array(256); } });
  for (let i = 0; i < k; i++) pool.put(new Uint8Array(256));
  const random = seededRandom(seed);
  const held: Uint8Array[] = [];
  const windows = [{ news: 0, gets: 0 }, { news: 0, gets: 0 }];
  let startupPeak = 0;
  for (let cycle = 0; cycle < cycles; cycle++) {
    const startup = cycle < STARTUP_CYCLES;
    const window = windows[startup ? 0 : 1]!;
    const newsBefore = news;
    for (let r = 0; r < REQUESTS_PER_CYCLE; r++) {
      const demand = 1 + Math.floor(random() ** 6 * PEAK);
      if (startup) startupPeak = Math.max(startupPeak, demand);
      for (let i = 0; i < demand; i++) held.push(pool.get());
      for (const item of held) item[0] = r; // use the item, as a request would
      window.gets += demand;
      while (held.length > 0) pool.put(held.pop());
    }
    window.news += news - newsBefore;
    await gcCycle();
  }
  const [startup, steady] = windows as [{ news: number; gets: number }, { news: number; gets: number }];
  return { k, startupRate: startup.news / startup.gets, steadyRate: steady.news / steady.gets, startupPeak, wasted: pool.stats().dropped };
}

/** Whether a curve has an elbow: not flat, a point SHARP_ELBOW below the chord, and flat after it. */
export function elbowOf(ks: readonly number[], rates: readonly number[]): { elbow: Elbow; flat: boolean; flatAfter: boolean; sharp: boolean } {
  const elbow = findElbow(ks, rates);
  const min = Math.min(...rates);
  const max = Math.max(...rates);
  const flat = max - min <= FLAT * max;
  const flatAfter = rates.every((rate, i) => ks[i]! < elbow.x || rate - min <= FLAT * (max - min));
  return { elbow, flat, flatAfter, sharp: !flat && elbow.distance >= SHARP_ELBOW && flatAfter };
}

/**
 * The seed's quantity is the steady-state New rate against K: the criterion holds when that
 * curve has an elbow. A flat curve has none: K does not change the steady state.
 */
export function judgeWarmup(ks: readonly number[], steady: readonly number[]): Judgement & { elbow: Elbow; flat: boolean } {
  const { elbow, flat, flatAfter, sharp } = elbowOf(ks, steady);
  const [lo, hi] = [Math.min(...steady), Math.max(...steady)];
  const range = `${lo === hi ? `${round(lo)} per get at every K` : `${round(lo)}–${round(hi)} per get`} from K = ${ks[0]} to ${ks.at(-1)}`;
  return {
    elbow,
    flat,
    verdict: sharp ? 'holds' : 'does not hold',
    reason: sharp
      ? `The steady-state New rate (after ${STARTUP_CYCLES} collections) falls from ${round(steady[0]!)} per get at ` +
        `K = ${ks[0]} to ${round(elbow.y)} at the elbow, K = ${elbow.x} (${round(elbow.distance, 2)} below the chord), and ` +
        `stays within ${FLAT * 100}% of its range of the minimum beyond it.`
      : flat
        ? `The steady-state New rate (after ${STARTUP_CYCLES} collections) is flat in K: ${range}` +
          (hi === 0 ? ' (New never ran after the second collection)' : `, a range within ${FLAT * 100}% of its largest value`) +
          ', so there is no elbow to identify. A warm-up can only save the New calls ' +
          `made before the workload's own puts decide what the pool holds: once ${STARTUP_CYCLES} collections have ` +
          'passed, every pre-warmed item nobody took has been released, and the pool holds what the workload put ' +
          'back in the last cycle, whatever K was.'
        : `The steady-state New rate (after ${STARTUP_CYCLES} collections) has no clear elbow: ${range}; the farthest ` +
          `point below the chord is K = ${elbow.x} at ${round(elbow.distance, 2)}${flatAfter ? '' : ', and the rate keeps falling after it'}.`,
  };
}

interface Sweep {
  ks: number[];
  startup: Spread[];
  steady: Spread[];
}

const medians = (s: readonly Spread[]) => s.map((x) => x.median);

/** Each K's start-up and steady-state rates over its seeds' runs (perK[i]: the runs at ks[i]). */
function sweepOf(ks: readonly number[], perK: readonly (readonly { startupRate: number; steadyRate: number }[])[]): Sweep {
  return {
    ks: [...ks],
    startup: perK.map((runs) => spread(runs.map((r) => r.startupRate))),
    steady: perK.map((runs) => spread(runs.map((r) => r.steadyRate))),
  };
}

/** The start-up window's finding: `startup` its medians, `shape` their elbowOf. */
function finding(ks: readonly number[], startup: readonly number[], shape: ReturnType<typeof elbowOf>, peaks: readonly number[]): string {
  const { elbow, sharp, flat } = shape;
  return flat
    ? `The start-up window's New rate is flat in K as well (${round(Math.min(...startup))}–${round(Math.max(...startup))}).`
    : `A separate finding, in the start-up window (the ${STARTUP_CYCLES} cycles before the second collection): the New ` +
      `rate falls from ${round(startup[0]!)} per get at K = ${ks[0]} to ${round(elbow.y)} at K = ${elbow.x}, ` +
      `${sharp ? 'a sharp elbow' : 'not a sharp elbow'} (${round(elbow.distance, 2)} below the chord). That is where the ` +
      'warm-up covers the largest burst the workload reached before the second collection ' +
      `(${[...new Set(peaks)].join(', ')} items in the seeds run here; the workload's peak is ${PEAK}): below it every burst ` +
      'larger than the pool calls New; beyond it the extra items are never taken and the second collection releases them.';
}

export interface GoWarmupRun { k: number; seed: number; gomaxprocs: number; startupRate: number; steadyRate: number }

/** Go's seeds in every mode: one run per K and seed, and never one run per K (Go's scheduler adds its own spread). */
const GO_SEEDS = [12, 13, 14];

/** The same sweep in Go (go/cmd/warmup), with runtime.GC() after each cycle: one run per K and seed. */
function goWarmup(ks: readonly number[], cycles: number, seeds: readonly number[]): Promise<GoRun<GoWarmupRun[]>> {
  return goMeasure(() => goProgram<GoWarmupRun>('warmup', ks.flatMap((k) => seeds.map((seed) =>
    ({ args: ['-k', String(k), '-cycles', String(cycles), '-startup', String(STARTUP_CYCLES), '-seed', String(seed),
      '-requests', String(REQUESTS_PER_CYCLE), '-peak', String(PEAK)] })))));
}

function goWarmupSection(ks: readonly number[], results: readonly GoWarmupRun[]): GoSection {
  const sweep = goSweepOf(ks, results);
  const steady = medians(sweep.steady);
  const judged = judgeWarmup(ks, steady);
  const start = elbowOf(ks, medians(sweep.startup));
  return {
    tables: [{
      title: `Go: New rate against K (GOMAXPROCS=${results[0]?.gomaxprocs ?? '?'}), ${over(new Set(results.map((r) => r.seed)).size, 'seed')}`,
      columns: ['K', 'start-up New rate', 'steady-state New rate'],
      rows: ks.map((k, i) => [k, showSpread(sweep.startup[i]!), showSpread(sweep.steady[i]!)]),
    }],
    artifacts: [],
    note: `Go's steady state, judged by the same rule: ${judged.verdict} (${judged.verdict === 'holds' ? `elbow at K = ${judged.elbow.x}`
      : judged.flat ? 'flat in K' : `no sharp elbow: ${round(Math.min(...steady))}–${round(Math.max(...steady))} per get across K`}); ` +
      `its start-up window ${start.sharp ? `has a sharp elbow at K = ${start.elbow.x}` : 'has no sharp elbow'}. Go draws its ` +
      'own random demand sequence (math/rand), so single rates differ from the TypeScript run; with several Ps, ' +
      'items put on one P can be stolen by the others (not measured here).',
  };
}

const goSweepOf = (ks: readonly number[], results: readonly GoWarmupRun[]) => sweepOf(ks, ks.map((k) => results.filter((r) => r.k === k)));

const rows = (sweep: Sweep, language: string): Row[] => sweep.ks.flatMap((k, i) => [
  { K: k, window: `${language}: start-up window`, language, ...spreadFields('rate', sweep.startup[i]!) },
  { K: k, window: `${language}: steady state`, language, ...spreadFields('rate', sweep.steady[i]!) },
]);

/** What exercise 12 measures: every K's points, one per seed, and Go's runs with --with-go. */
export interface WarmupMeasured {
  ks: number[];
  seeds: number[];
  points: Point[][];
  go?: GoRun<GoWarmupRun[]>;
}

/** The report section from the measurements. */
export function present(m: WarmupMeasured): Result {
  const { ks, seeds, points } = m;
  const sweep = sweepOf(ks, points);
  const { verdict, reason, elbow } = judgeWarmup(ks, medians(sweep.steady));
  const startupRates = medians(sweep.startup);
  const startup = elbowOf(ks, startupRates);
  const peaks = points[0]!.map((p) => p.startupPeak);
  const goSweep = m.go?.version === undefined ? undefined : goSweepOf(ks, m.go.data);
  const go = m.go === undefined ? undefined : goPresent(m.go, (runs) => goWarmupSection(ks, runs));
  const table: Table = {
    title: `New rate (calls of New per get) against the warm-up K, ${over(seeds.length, 'seed')}`,
    columns: ['K', 'steady-state New rate', 'start-up New rate', 'items released by cleanups'],
    rows: ks.map((k, i) => [k, showSpread(sweep.steady[i]!), showSpread(sweep.startup[i]!),
      showSpread(spread(points[i]!.map((p) => p.wasted)))]),
  };
  const mark = startup.sharp
    ? { x: startup.elbow.x, label: `start-up elbow K = ${startup.elbow.x}` }
    : verdict === 'holds' ? { x: elbow.x, label: `elbow K = ${elbow.x}` } : undefined;
  return {
    verdict,
    reason: reason + (verdict === 'holds' ? '' : ` ${finding(ks, startupRates, startup, peaks)}`),
    explanation:
      'Why K cannot matter in steady state: a cleanup moves the primary cache to the victim cache and releases ' +
      'the previous victim. A pre-warmed item that no request takes before the second collection is released ' +
      'by it. One that a request takes is put back into the primary cache, where it is indistinguishable from an ' +
      'item New made. So after two collections the pool holds only what the last cycle\'s requests put back, ' +
      'and that depends on the workload, not on K. The table\'s last column counts the items the cleanups ' +
      `released: ${points.at(-1)!.map((p) => p.wasted).join(', ')} at K = ${ks.at(-1)}, against ` +
      `${points[0]!.map((p) => p.wasted).join(', ')} at K = ${ks[0]}.\n\n` +
      'Go\'s hint (pre-warm one local per P; beyond that items go to the shared queue and are drained by GC) ' +
      'describes the same limit: whatever the warm-up puts beyond what the Ps take is gone after the GCs. ' +
      'One isolate has one P, so here the start-up elbow is set only by the demand the workload reaches before ' +
      'the second collection.',
    tables: [table, {
      title: 'The elbows of the two windows\' median curves (Kneedle: the point farthest below the chord, both axes scaled to [0, 1])',
      columns: ['window', 'farthest point below the chord', 'New rate there', 'distance below the chord', 'an elbow'],
      rows: [['steady state', `K = ${elbow.x}`, round(elbow.y), round(elbow.distance, 2), verdict === 'holds' ? 'yes' : 'no'],
        ['start-up window', `K = ${startup.elbow.x}`, round(startup.elbow.y), round(startup.elbow.distance, 2), startup.sharp ? 'yes' : 'no']],
    }],
    charts: [{
      name: 'new-rate',
      title: `New rate against warm-up K, median and range of ${seeds.length} seed${seeds.length === 1 ? '' : 's'}` +
        `${goSweep === undefined ? '' : '; Go from the same run'}`,
      spec: lineChart({
        data: [...rows(sweep, 'TypeScript'), ...(goSweep === undefined ? [] : rows(goSweep, 'Go'))],
        x: { field: 'K', title: 'pre-warmed items K' },
        y: { field: 'rate', title: 'calls of New per get' },
        series: 'window',
        dash: 'language',
        spread: 'band',
        ...(mark === undefined ? {} : { mark }),
      }),
    }],
    artifacts: [],
    ...(go === undefined ? {} : { go }),
  };
}

export const exercise: Exercise = {
  id: 12,
  slug: 'warmup',
  title: 'Find the optimal pool warm-up',
  goal: 'Pre-warm a pool with K items made by New, run a workload, and measure the steady-state rate of New ' +
    'calls; sweep K.',
  criterion: 'Plot the steady-state New rate against K and identify the elbow, the K beyond which more warm-up buys nothing.',
  analogue: `A Pool of 256-byte buffers serves requests that each hold 1 to ${PEAK} buffers at once (mostly 1–3, ` +
    `rarely ${PEAK}; a seeded random stream, the same for every K, one stream per seed). A forced collection ` +
    `(gcCycle, automatic cleanups off) runs after every ${REQUESTS_PER_CYCLE} requests, the analogue of Go's GC ` +
    'every 100 ms. New rate = calls of New per get, in steady state (every cycle after the second collection) ' +
    `and, as a separate finding, in the start-up window (the ${STARTUP_CYCLES} cycles before it). The elbow is the ` +
    'point farthest below the chord from the first to the last point, both axes scaled to [0, 1] (the Kneedle ' +
    `knee); a distance under ${SHARP_ELBOW}, or a curve whose range is within ${FLAT * 100}% of its largest value, ` +
    'has no elbow. One isolate is one P: the Pool has one local. No SharedPool variant is run: SharedPool has no ' +
    'victim cache and no GC drain, so a pooled block stays pooled forever, and once the blocks in circulation ' +
    'cover the peak demand New never runs again, for every K: its steady state is flat at 0.',
  flags: [],
  async run(ctx): Promise<Result> {
    setCleanupMode('manual');
    const ks = byMode(ctx.mode, {
      tiny: [0, 4, 8, 12, 16, 24, 32],
      quick: [0, 2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 32],
      full: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 24, 28, 32, 48, 64],
    });
    const cycles = byMode(ctx.mode, { tiny: 4, quick: 8, full: 20 });
    const seeds = byMode(ctx.mode, { tiny: [12], quick: [12, 13, 14], full: [12, 13, 14, 15, 16] });
    const points: Point[][] = [];
    for (const [i, k] of ks.entries()) {
      ctx.progress(i / ks.length, `K = ${k}`);
      const perSeed: Point[] = [];
      for (const seed of seeds) perSeed.push(await sweepPoint(k, cycles, seed));
      points.push(perSeed);
    }
    const go = ctx.withGo ? await goWarmup(ks, cycles, GO_SEEDS) : undefined;
    return present({ ks, seeds, points, ...(go === undefined ? {} : { go }) });
  },
};
