/**
 * Exercise 7: Go's poolDequeue, single producer and many stealers, under load: nothing lost,
 * nothing taken twice.
 */
import { PoolDequeue } from 'syncpool';
import { byMode, type Exercise, type Result } from '../exercise.js';
import { goSection, goStdTests } from '../lib/go.js';
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
    const [own, ...stealers] = results as [DequeueResult, ...DequeueResult[]];
    const taken = own.popHeads + stealers.reduce((n, r) => n + r.popTails, 0);
    const holds = audit.lost === 0 && audit.duplicated === 0 && taken === count && own.popHeads > 0;
    return {
      verdict: holds ? 'holds' : 'does not hold',
      reason: holds
        ? `All ${count} values were taken exactly once (${own.popHeads} by the owner's popHead, ${taken - own.popHeads} ` +
          `by ${STEALERS} stealers' popTail), with 0 lost and 0 duplicated.`
        : `${audit.lost} values lost and ${audit.duplicated} taken more than once (first at value ${audit.firstBad ?? '-'}); ` +
          `${taken} takes for ${count} values; popHead succeeded ${own.popHeads} times.`,
      explanation:
        'The owner publishes a slot by writing the value with a plain store and then adding 1 to head with one ' +
        'Atomics operation, so a stealer that sees the new head also sees the value. A stealer claims the tail ' +
        'slot with a compare-and-swap on the packed head/tail word; the owner\'s popHead claims the head slot ' +
        'with a CAS on the same word, so when the ring holds one item exactly one of them wins. A stealer ' +
        'hands its slot back only after it has read it, and pushHead treats a slot not yet handed back as ' +
        `full (${own.fullRetries} push retries here, counting a genuinely full ring too), so no value is overwritten ` +
        'mid-read. Stealers polled an empty ring ' +
        `${stealers.reduce((n, r) => n + r.emptyPolls, 0)} times: on 2 cores the owner is often descheduled.\n\n` +
        'Where Go differs: Go packs two 32-bit indexes in a 64-bit word; syncpool packs two 16-bit ones in an ' +
        'Int32, because a BigInt64 CAS allocates 104 bytes, which caps a ring at 2^14 slots. Go checks with ' +
        '-race; JavaScript has no race detector, and the lab audits every value instead.',
      tables: [
        {
          title: `Who took what (${count} values, ${Math.round(ms)} ms with worker start-up)`,
          columns: ['thread', 'pushes', 'push retries', 'popHead', 'popTail', 'empty polls'],
          rows: results.map((r, i) => [i === 0 ? 'owner' : `stealer ${i}`, r.pushes, r.fullRetries, r.popHeads, r.popTails, r.emptyPolls]),
        },
        {
          title: 'Audit of every value',
          columns: ['values', 'taken', 'lost', 'taken twice or more'],
          rows: [[count, taken, audit.lost, audit.duplicated]],
        },
      ],
      charts: [],
      artifacts: [],
      ...(ctx.withGo ? {
        go: await goSection(async () => {
          const { rows, text } = await goStdTests('sync', '^(TestPoolDequeue|TestPoolChain)$');
          return {
            tables: [{ title: 'Go: the standard library\'s own tests, go test -run \'TestPoolDequeue|TestPoolChain\' sync', columns: ['test', 'result', 'seconds'], rows }],
            artifacts: [{ name: 'go/07-pool-dequeue-tests.txt', content: text, show: 'link' }],
            note: 'TestPoolDequeue is the shape the lab copies (1 producer, popHead every 10th push, the other Ps ' +
              'popTail, every value seen once). Go itself runs it without -race: pool_test.go is built only with ' +
              '!race, since the race detector makes Pool drop items.',
          };
        }),
      } : {}),
    };
  },
};
