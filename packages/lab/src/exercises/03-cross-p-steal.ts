/**
 * Exercise 3: a consumer on another P takes the items a producer put: stealing across locals.
 */
import { SharedPool, type SharedPoolStats } from 'syncpool';
import { byMode, type Exercise, type Judgement, type Result, type Table } from '../exercise.js';
import { GO_RUNS, goMeasure, goPresent, goProgram, type GoRun, type GoSection } from '../lib/go.js';
import { showSpread, spread, sum, type Spread } from '../lib/stats.js';
import { count } from '../lib/words.js';
import { runWorkers, workerScript } from '../lib/workers.js';
import type { StealResult, StealTask } from '../workers/steal.js';

const PRODUCE = 8000;
const CONSUMERS = 3;
const CONSUME = 2400;
/** The experiment's shape, for the learner's predictions (check 3). */
export const STEAL_SHAPE = { produce: PRODUCE, consumers: CONSUMERS, consume: CONSUME } as const;
/** go/cmd/steal's consumers: the seed's 3 × 3000 gets. */
const GO_CONSUMERS = 3;
const GO_CONSUME = 3000;

export interface Trial {
  locals: 1 | 4;
  order: StealTask['order'];
  hits: number;
  misses: number;
  exhausted: number;
  stats: SharedPoolStats;
}

export async function trial(locals: 1 | 4, order: StealTask['order']): Promise<Trial> {
  // The creator detaches at once: every local goes to a worker.
  const creator = SharedPool.create({ blockSize: 64, blocks: 16384, maxLocals: locals });
  const buffer = creator.buffer;
  creator.detach();
  const base = { buffer, order, phase: new SharedArrayBuffer(8), produce: PRODUCE, consume: CONSUME, consumers: CONSUMERS };
  const tasks: StealTask[] = locals === 1
    ? [{ role: 'both', ...base }]
    : [{ role: 'producer', ...base }, ...Array.from({ length: CONSUMERS }, () => ({ role: 'consumer' as const, ...base }))];
  const { results } = await runWorkers<StealResult>(workerScript('steal'), tasks);
  const observer = SharedPool.attach(buffer);
  const stats = observer.stats();
  observer.detach();
  return {
    locals,
    order,
    hits: sum(results.map((r) => r.hits)),
    misses: sum(results.map((r) => r.misses)),
    exhausted: sum(results.map((r) => r.exhausted)),
    stats,
  };
}

/** The hit rate (% of the consumers' gets) of the racing runs with 4 locals, in whole percent; undefined without such runs. */
function racingHitRates(trials: readonly Trial[]): Spread | undefined {
  const racing = trials.filter((t) => t.locals === 4 && t.order === 'race');
  return racing.length === 0 ? undefined : spread(racing.map((t) => Math.round((100 * t.hits) / (CONSUMERS * CONSUME))));
}

/**
 * Consumers never put, so their own private slot and ring stay empty: with one local per thread
 * every hit must be a steal, and once the producer has put everything every consumer get must
 * hit. With one shared local nothing can be stolen.
 */
export function judgeSteal(trials: readonly Trial[]): Judgement {
  const wanted = CONSUMERS * CONSUME;
  const after = trials.filter((t) => t.locals === 4 && t.order === 'after');
  const four = trials.filter((t) => t.locals === 4);
  const one = trials.filter((t) => t.locals === 1);
  const problems = [
    ...(after.length === 0 ? ['no run with the producer first'] : []),
    ...(after.every((t) => t.hits === wanted) ? [] : [`a consumer missed although the producer had put enough (hits ${after.map((t) => t.hits).join(', ')} of ${wanted})`]),
    ...(four.every((t) => t.stats.steals === t.hits) ? [] : [`with 4 locals the steal count differs from the consumer hits (${four.map((t) => `${t.stats.steals} steals for ${t.hits} hits`).join(', ')})`]),
    ...(one.every((t) => t.stats.steals === 0) ? [] : ['the single-local run stole']),
    ...(one.every((t) => t.order === 'race' || t.hits === wanted) ? [] : ['the single-local run with the producer first missed']),
    // Racing on one local, the consumer that runs before the producer finds the pool empty; the others find its items.
    ...(one.every((t) => t.order === 'after' || t.misses + t.exhausted === CONSUME) ? [] :
      [`the single-local racing run missed ${one.filter((t) => t.order === 'race').map((t) => t.misses + t.exhausted).join(', ')} times, not the ${CONSUME} gets of the one consumer that ran before the producer`]),
  ];
  const rates = racingHitRates(trials);
  const rate = rates === undefined ? '' : ` Racing as in the seed, the hit rate was ${rates.median}%` +
    `${rates.n === 1 ? '' : ` (min–max ${rates.min}–${rates.max}% over ${rates.n} runs)`}.`;
  return {
    verdict: problems.length === 0 ? 'holds' : 'does not hold',
    reason: problems.length === 0
      ? `Consumers took the producer's items by stealing: with 4 locals every consumer hit was a steal, and with the ` +
        `producer done first all ${wanted} gets hit; with 1 local nothing was stolen.${rate}`
      : `Stealing does not account for the hits: ${problems.join('; ')}.${rate}`,
  };
}

export interface GoStealRun { procs: number; race: boolean; lock: boolean; hits: number; misses: number; order: string[] }

/** The most frequent value of `values` and how often it came. */
function mode<T>(values: readonly T[]): { value: T; times: number } {
  const times = new Map<T, number>();
  for (const v of values) times.set(v, (times.get(v) ?? 0) + 1);
  const [value, most] = [...times].reduce((a, b) => (b[1] > a[1] ? b : a));
  return { value, times: most };
}

const share = (misses: number, gets: number) => `${Math.round((100 * misses) / gets)}%`;

/**
 * Go's racing runs with GOMAXPROCS=1: their most frequent hit/miss split and start order, counted
 * over the runs, and the one-local racing analogue's runs beside them; undefined without such Go runs.
 */
function goOneProcSplit(runs: readonly GoStealRun[], analogue: readonly Trial[]) {
  const racing = runs.filter((r) => r.procs === 1 && r.race);
  if (racing.length === 0) return undefined;
  const split = mode(racing.map((r) => `${r.hits} hits and ${r.misses} misses`));
  const typical = racing.find((r) => `${r.hits} hits and ${r.misses} misses` === split.value)!;
  return {
    go: { runs: racing.length, times: split.times, hits: typical.hits, misses: typical.misses, share: share(typical.misses, GO_CONSUMERS * GO_CONSUME),
      first: mode(racing.map((r) => r.order.join(' '))) },
    js: analogue.filter((t) => t.locals === 1 && t.order === 'race')
      .map((t) => ({ hits: t.hits, misses: t.misses + t.exhausted, share: share(t.misses + t.exhausted, CONSUMERS * CONSUME) })),
  };
}

/**
 * Go's racing runs with GOMAXPROCS=1, in words from the runs: the hit/miss split and which
 * goroutine started first, counted over the runs, beside the one-local racing analogue.
 */
export function goOneProcNote(runs: readonly GoStealRun[], analogue: readonly Trial[]): string {
  const split = goOneProcSplit(runs, analogue);
  if (split === undefined) return '';
  const { go, js } = split;
  const jsShares = [...new Set(js.map((t) => t.share))];
  return `Racing with GOMAXPROCS=1, Go gave ${go.hits} hits and ${go.misses} misses in ${go.times} of ${go.runs} runs, and the goroutines ` +
    `started in the order ${go.first.value} (p the producer, c0–c2 the consumers as spawned) in ${go.first.times} of ` +
    `${go.runs}. ` +
    (go.first.value.startsWith('c') && go.misses === GO_CONSUME
      ? `One consumer started before the producer and found the pool empty: its ${GO_CONSUME} gets called New, and ` +
        'the consumers after the producer found its items. Go\'s scheduler runs the goroutine spawned last first ' +
        '(the P\'s runnext slot), the likely reason the last consumer led. '
      : `That is not one consumer's ${GO_CONSUME} gets missing before the producer ran, so the start order alone does not explain the split. `) +
    (js.length === 0 ? '' : `The one-local racing analogue, which runs its thread's work in the order the last consumer, ` +
      `the producer, the others, missed ${jsShares.join(', ')} of its gets, beside Go's ${go.share}` +
      `${jsShares.length === 1 && jsShares[0] === go.share ? ': the same share.' : '.'}`);
}

/** The configurations go/cmd/steal runs: GOMAXPROCS, racing or producer first, LockOSThread. */
const GO_PLAN = [['4', true, true], ['4', false, true], ['1', true, true], ['4', true, false]] as const;

/** The seed's program in Go (go/cmd/steal), every configuration of GO_PLAN `runs` times. */
function goSteal(runs: number): Promise<GoRun<GoStealRun[]>> {
  return goMeasure(() => goProgram<GoStealRun>('steal', Array.from({ length: runs }, () => GO_PLAN).flat().map(([procs, race, lock]) =>
    ({ args: ['-procs', procs, `-race=${race}`, `-lock=${lock}`] }))));
}

function goStealSection(results: readonly GoStealRun[], analogue: readonly Trial[]): GoSection {
  const rows = GO_PLAN.map(([procs, race, lock]) => {
    const of = results.filter((r) => r.procs === Number(procs) && r.race === race && r.lock === lock);
    const first = mode(of.map((r) => r.order.join(' ')));
    return [procs, race ? 'racing' : 'producer first', lock ? 'yes' : 'no', of.length,
      showSpread(spread(of.map((r) => r.hits))), showSpread(spread(of.map((r) => r.misses))), `${first.value} (${first.times} of ${of.length})`];
  });
  const oneProc = goOneProcSplit(results, analogue);
  return {
    tables: [{
      title: `Go: the seed's program, 10000 puts, ${GO_CONSUMERS} × ${GO_CONSUME} gets; misses = calls of New; hits and misses median (min–max) over the runs`,
      columns: ['GOMAXPROCS', 'order', 'LockOSThread', 'runs', 'hits', 'misses', 'most frequent start order'],
      rows,
    }, ...(oneProc === undefined ? [] : [{
      title: 'Racing on one P: Go with GOMAXPROCS=1 (its most frequent split) beside the one-local racing analogue',
      columns: ['', 'runs', 'hits', 'misses', 'misses / gets'],
      rows: [['Go, GOMAXPROCS=1', `${oneProc.go.times} of ${oneProc.go.runs}`, oneProc.go.hits, oneProc.go.misses, oneProc.go.share],
        ...[...new Set(oneProc.js.map((t) => JSON.stringify(t)))].map((key) => {
          const t = JSON.parse(key) as (typeof oneProc.js)[number];
          const times = oneProc.js.filter((x) => JSON.stringify(x) === key).length;
          return ['TypeScript, 1 local', `${times} of ${oneProc.js.length}`, t.hits, t.misses, t.share];
        })],
    }])],
    artifacts: [],
    note: 'The seed counts a nil Get as a miss, but with New set Get never returns nil (src/sync/pool.go:150–152 ' +
      'in Go 1.19); go/cmd/steal counts calls of New instead. With GOMAXPROCS=1 the goroutines take turns on one ' +
      'P, so its hits come from that P\'s private slot and the head of its shared queue (pool.go:132–138), not ' +
      'from stealing (pool.go:156–166, getSlow). ' + goOneProcNote(results, analogue),
  };
}

/** What exercise 3 measures: the TypeScript trials, and Go's runs with --with-go. */
export interface StealMeasured {
  trials: Trial[];
  go?: GoRun<GoStealRun[]>;
}

/** The report section from the measurements. */
export function present(m: StealMeasured): Result {
  const { trials } = m;
  const describeRun = (t: Trial) =>
    `${t.locals === 1 ? '1 local (one thread)' : '4 locals'}, ${t.order === 'race' ? 'racing' : 'producer first'}`;
  const table: Table = {
    title: `Consumer gets (${CONSUMERS} × ${CONSUME}) per run`,
    columns: ['run', 'hits', 'misses (fresh block)', 'steals', 'private hits', 'ring-head hits', 'fresh blocks (all threads)'],
    rows: trials.map((t) => [describeRun(t), t.hits, t.misses + t.exhausted, t.stats.steals, t.stats.privateHits, t.stats.ringHits, t.stats.fresh]),
  };
  const rates = racingHitRates(trials);
  const rateTable: Table[] = rates === undefined ? [] : [{
    title: 'Racing with 4 locals: the consumers\' hit rate over the runs, in whole percent',
    columns: ['runs', 'median', 'min–max'],
    rows: [[rates.n, `${rates.median}%`, `${rates.min}–${rates.max}%`]],
  }];
  const { verdict, reason } = judgeSteal(trials);
  const stealsAll = trials.filter((t) => t.locals === 4).every((t) => t.stats.steals === t.hits);
  const racingHits = trials.filter((t) => t.locals === 4 && t.order === 'race').map((t) => t.hits);
  const oneRacing = trials.filter((t) => t.locals === 1 && t.order === 'race');
  return {
    verdict,
    reason,
    explanation:
      'The producer\'s puts fill its own private slot and then the head of its own ring. A consumer\'s get ' +
      'finds its private slot and its own ring empty (it never puts), so it takes the slow path: it visits the ' +
      'other locals\' rings from localId + 1 onwards and pops the tail of the first non-empty one with a CAS, ' +
      `Go's getSlow. ${stealsAll ? 'Here every consumer hit was such a steal (the steals column equals the hits).' :
        'Here the steal count differs from the hits in some run (see the table), which that account does not explain.'} ` +
      `Misses are gets that ran before the producer had put enough: racing, the consumers hit ${racingHits.join(', ')} ` +
      `of ${CONSUMERS * CONSUME} times${new Set(racingHits).size > 1 ? ', a rate that changes from run to run' : ''}. ` +
      'With one local the consumers share the producer\'s local: they take its private slot and then its ring ' +
      `from the head (LIFO), through the fast path, as in Go with GOMAXPROCS=1; steals with one local: ` +
      `${trials.filter((t) => t.locals === 1).map((t) => t.stats.steals).join(', ')}. Racing on one local, the consumer ` +
      `that runs before the producer finds nothing and misses: ${[...new Set(oneRacing.map((t) => `${t.hits} hits and ${t.misses + t.exhausted} misses`))].join(', ')} ` +
      `(${count(oneRacing.length, 'run')}).`,
    tables: [table, ...rateTable],
    charts: [],
    artifacts: [],
    ...(m.go === undefined ? {} : { go: goPresent(m.go, (runs) => goStealSection(runs, trials)) }),
  };
}

export const exercise: Exercise = {
  id: 3,
  slug: 'cross-p-steal',
  title: 'Cross-P stealing',
  goal: 'One producer only puts, three consumers only get, on a pool shared by all of them: count the gets ' +
    'the pool serves (hits) and those that fall through to New (misses), with 4 Ps and with 1.',
  criterion: 'Explain why the consumers receive the items the producer put on its own P.',
  analogue: `SharedPool, whose locals are Go's Ps and whose attached worker threads are the goroutines locked to ` +
    `them. A producer worker takes ${PRODUCE} blocks, stamps each and puts them all back; ${CONSUMERS} consumer ` +
    `workers take ${CONSUME} blocks each and keep them. A stamped block is a hit; an unstamped one came fresh from ` +
    'the arena (Go\'s New) and is a miss. The producer takes its blocks before the start (the seed\'s new(int)). ' +
    'Racing: all four threads start together at a gate, as in the seed; producer first: the consumers wait ' +
    'until the producer has put everything. ' +
    '"GOMAXPROCS=1" is a pool with one local: one thread runs the goroutines\' work one after another, as ' +
    'goroutines take turns on one P; producer first, the producer and then the consumers; racing, in the order ' +
    'Go\'s scheduler runs goroutines spawned at once on one P (the last spawned first, from the runnext slot, then ' +
    'the others as spawned): the last consumer, the producer, the other consumers. LockOSThread has no analogue: ' +
    'a worker is always its own OS thread.',
  flags: [],
  async run(ctx): Promise<Result> {
    const rounds = byMode(ctx.mode, { tiny: 1, quick: 3, full: 10 });
    const plan = [[4, 'race'], [4, 'after'], [1, 'race'], [1, 'after']] as const;
    const trials: Trial[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const [i, [locals, order]] of plan.entries()) {
        ctx.progress((r * plan.length + i) / (rounds * plan.length), `round ${r + 1}: ${locals} locals, ${order}`);
        trials.push(await trial(locals, order));
      }
    }
    return present({ trials, ...(ctx.withGo ? { go: await goSteal(byMode(ctx.mode, GO_RUNS)) } : {}) });
  },
};
