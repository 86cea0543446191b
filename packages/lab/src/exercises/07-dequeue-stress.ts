/**
 * Exercise 7: Go's poolDequeue, single producer and many stealers, under load: nothing lost,
 * nothing taken twice.
 */
import { DEQUEUE_LIMIT, PoolDequeue } from 'syncpool/internals';
import { measureMemory } from 'syncpool-bench';
import { byMode, type Exercise, type Judgement, type Result } from '../exercise.js';
import { goMeasure, goPresent, goStdTests, type GoRun, type GoSection } from '../lib/go.js';
import { round, sum } from '../lib/stats.js';
import { runWorkers, workerScript } from '../lib/workers.js';
import type { DequeueResult, DequeueTask } from '../workers/dequeue.js';

const STEALERS = 3;
const CAPACITY = 1024;
const POP_HEAD_EVERY = 10;

/** Counts how often each value was taken: every value must be taken exactly once. */
export function auditSeen(seen: Int32Array): { lost: number; duplicated: number; firstBad?: number } {
  let lost = 0;
  let duplicated = 0;
  let firstBad: number | undefined;
  for (let v = 0; v < seen.length; v++) {
    const n = seen[v]!;
    if (n === 1) continue;
    if (n === 0) lost++;
    else duplicated++;
    firstBad ??= v;
  }
  return firstBad === undefined ? { lost, duplicated } : { lost, duplicated, firstBad };
}

/** What the verdict reads: the audit of every value, and the takes by popHead and popTail. */
export interface DequeueFigures {
  count: number;
  lost: number;
  duplicated: number;
  firstBad?: number;
  popHeads: number;
  popTails: number;
}

/**
 * The seed's quantities: items lost and items returned twice, both 0 under load. Its other
 * condition, a clean race detector run, has no JavaScript counterpart; the verdict line says so.
 * As in Go's TestPoolDequeue, popHead must also have succeeded, or the owner's side went untested.
 */
export function judgeDequeue(f: DequeueFigures): Judgement {
  const taken = f.popHeads + f.popTails;
  const holds = f.lost === 0 && f.duplicated === 0 && taken === f.count && f.popHeads > 0;
  const noRace = 'JavaScript has no race detector, so that half of the criterion is replaced by the exact audit of every value';
  return {
    verdict: holds ? 'holds' : 'does not hold',
    reason: holds
      ? `All ${f.count} values were taken exactly once (${f.popHeads} by the owner's popHead, ${f.popTails} by the stealers' ` +
        `popTail): 0 lost and 0 taken twice. ${noRace}.`
      : `${f.lost} values lost and ${f.duplicated} taken more than once (first at value ${f.firstBad ?? '-'}); ${taken} ` +
        `takes for ${f.count} values; popHead succeeded ${f.popHeads} times. ${noRace}.`,
  };
}

/** Bytes one compareExchange allocates on a BigInt64 and on an Int32 word: why the ring packs 16-bit indexes. */
async function casBytes(): Promise<{ bigint: number; int32: number }> {
  const wide = new BigInt64Array(new SharedArrayBuffer(8));
  const narrow = new Int32Array(new SharedArrayBuffer(4));
  const opts = { n: 20_000, allocsN: 200 };
  const values = [0n, 1n] as const;
  const bigint = await measureMemory((n) => {
    for (let i = 0; i < n; i++) Atomics.compareExchange(wide, 0, values[i & 1]!, values[(i + 1) & 1]!);
  }, opts);
  const int32 = await measureMemory((n) => {
    for (let i = 0; i < n; i++) Atomics.compareExchange(narrow, 0, i & 1, (i + 1) & 1);
  }, opts);
  return { bigint: bigint.bytesPerOp, int32: int32.bytesPerOp };
}

/** What exercise 7 measures: the stress run's threads and audit, the CAS allocation, and Go's own tests with --with-go. */
export interface DequeueMeasured {
  count: number;
  results: DequeueResult[];
  ms: number;
  audit: ReturnType<typeof auditSeen>;
  cas: { bigint: number; int32: number };
  go?: GoRun<{ rows: (string | number)[][]; text: string }>;
}

function goTestsSection(g: { rows: (string | number)[][]; text: string }): GoSection {
  return {
    tables: [{
      title: 'Go: the standard library\'s own tests, go test -run \'TestPoolDequeue|TestPoolChain\' sync (testPoolDequeue: one producer ' +
        'pushes 2000000 values and pops its head after every 10th push, 9 consumer goroutines pop the tail)',
      columns: ['test', 'result', 'seconds'],
      rows: g.rows,
    }],
    artifacts: [{ name: 'go/07-pool-dequeue-tests.txt', content: g.text, show: 'link' }],
    note: 'TestPoolDequeue and TestPoolChain share testPoolDequeue (src/sync/pool_test.go:175–248 in Go 1.19), ' +
      'whose shape the table\'s title gives: every value must be seen exactly once and popHead must have succeeded. ' +
      `The lab copies that shape with ${STEALERS} stealers. Go runs it without -race: pool_test.go is built only with !race ` +
      '(src/sync/pool_test.go:7), since the race detector makes Pool drop items.',
  };
}

/** The report section from the measurements. */
export function present(m: DequeueMeasured): Result {
  const [own, ...stealers] = m.results as [DequeueResult, ...DequeueResult[]];
  const taken = own.popHeads + sum(stealers.map((r) => r.popTails));
  const { count, results, ms, audit, cas } = m;
  const { verdict, reason } = judgeDequeue({ count, ...audit, popHeads: own.popHeads, popTails: taken - own.popHeads });
  return {
    verdict,
    reason,
    explanation:
      'The owner publishes a slot by writing the value with a plain store and then adding 1 to head with one ' +
      'Atomics operation, so a stealer that sees the new head also sees the value. A stealer claims the tail ' +
      'slot with a compare-and-swap on the packed head/tail word; the owner\'s popHead claims the head slot ' +
      'with a CAS on the same word, so when the ring holds one item exactly one of them wins. A stealer ' +
      'hands its slot back only after it has read it, and pushHead treats a slot not yet handed back as ' +
      `full (${own.fullRetries} push retries here, counting a genuinely full ring too), so no value is overwritten ` +
      'mid-read. Stealers polled an empty ring ' +
      `${sum(stealers.map((r) => r.emptyPolls))} times: tail pops that found nothing to take.\n\n` +
      'Where Go differs: Go packs two 32-bit indexes in a 64-bit word (src/sync/poolqueue.go:20–34 and 51 in ' +
      'Go 1.19); syncpool packs two 16-bit ones in an Int32, because a compareExchange on a BigInt64Array ' +
      `allocates (${round(cas.bigint)} bytes per call, measured in this process, against ${round(cas.int32)} on an Int32Array); that caps a ` +
      `ring at ${DEQUEUE_LIMIT} slots. Go checks with -race, though not its own pool tests (src/sync/pool_test.go:5–7: ` +
      '`//go:build !race`, since Pool drops items under the race detector); JavaScript has no race detector, and ' +
      'the lab audits every value instead.',
    tables: [
      {
        title: `Who took what (${count} values, ${Math.round(ms)} ms with worker start-up)`,
        columns: ['thread', 'pushes', 'push retries', 'popHead', 'popTail', 'empty polls'],
        rows: [...results.map((r, i) => [i === 0 ? 'owner' : `stealer ${i}`, r.pushes, r.fullRetries, r.popHeads, r.popTails, r.emptyPolls]),
          ['all threads', ...(['pushes', 'fullRetries', 'popHeads', 'popTails', 'emptyPolls'] as const).map((k) => sum(results.map((r) => r[k])))]],
      },
      {
        title: 'Audit of every value',
        columns: ['values', 'taken', 'by popHead', 'by popTail', 'lost', 'taken twice or more', 'first value lost or taken twice'],
        rows: [[count, taken, own.popHeads, taken - own.popHeads, audit.lost, audit.duplicated, audit.firstBad ?? '-']],
      },
      {
        title: 'Why the ring packs 16-bit indexes: one compareExchange, bytes allocated per call (measured in this process)',
        columns: ['word', 'indexes', 'ring capacity limit', 'bytes per compareExchange'],
        rows: [['BigInt64Array (Go\'s layout: a 64-bit word)', '2 × 32 bits', '2^32', round(cas.bigint)],
          ['Int32Array (syncpool)', '2 × 16 bits', DEQUEUE_LIMIT, round(cas.int32)]],
      },
    ],
    charts: [],
    artifacts: [],
    ...(m.go === undefined ? {} : { go: goPresent(m.go, goTestsSection) }),
  };
}

export const exercise: Exercise = {
  id: 7,
  slug: 'dequeue-stress',
  title: 'poolDequeue under load',
  goal: 'Implement Go\'s poolDequeue (one word packing head and tail; the owner pushes and pops the head, ' +
    'any thread pops the tail with a CAS loop) and stress it: one producer, several stealers.',
  criterion: 'Under load no item is lost and none is returned twice, and the race detector finds nothing.',
  analogue: `syncpool's PoolDequeue (Go's poolDequeue over Int32 words of a SharedArrayBuffer, head and tail packed ` +
    `16+16 bits in one word) with Go's TestPoolDequeue shape: one owner worker pushes 0..N-1 and pops its own head ` +
    `every ${POP_HEAD_EVERY}th push, ${STEALERS} stealer workers pop the tail until the owner is done and the ring is ` +
    `empty (ring of ${CAPACITY} slots). Every value taken is counted with Atomics.add in a shared array, then ` +
    'audited: each value exactly once. JavaScript has no race detector; the exact audit over real threads is ' +
    'the check that remains.',
  flags: [],
  async run(ctx): Promise<Result> {
    const count = byMode(ctx.mode, { tiny: 100_000, quick: 1_000_000, full: 2_000_000 });
    const ring = new SharedArrayBuffer(PoolDequeue.byteLength(CAPACITY));
    const seen = new SharedArrayBuffer(4 * count);
    const done = new SharedArrayBuffer(4);
    const base = { ring, seen, done, count, popHeadEvery: POP_HEAD_EVERY };
    const tasks: DequeueTask[] = [{ role: 'owner', ...base }, ...Array.from({ length: STEALERS }, () => ({ role: 'stealer' as const, ...base }))];
    ctx.progress(0.1, `${count} values, ${STEALERS} stealers`);
    const started = performance.now();
    const { results } = await runWorkers<DequeueResult>(workerScript('dequeue'), tasks);
    const ms = performance.now() - started;
    const audit = auditSeen(new Int32Array(seen));
    const cas = await casBytes();
    const go = ctx.withGo ? await goMeasure(() => goStdTests('sync', '^(TestPoolDequeue|TestPoolChain)$')) : undefined;
    return present({ count, results, ms, audit, cas, ...(go === undefined ? {} : { go }) });
  },
};
