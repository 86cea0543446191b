/**
 * `check 1`: the learner's format and formatPooled. The reset is checked by behaviour (pooled
 * calls in mixed order must give format's output), then both are measured with syncpool-bench
 * in fresh processes, as the reference run measures its own, and judged by the same
 * judgeBufferPool.
 */
import { Pool } from 'syncpool';
import type { Result } from '../../exercise.js';
import { judgeBufferPool } from '../../exercises/01-buffer-pool.js';
import { figuresOf, type Figures } from '../../lib/bench.js';
import { round, showSpread } from '../../lib/stats.js';
import { benchLearner } from '../bench-learner.js';
import { loadModule } from '../load.js';
import { FORMAT_CONTRACT, formatFunctionsOf, type FormatModule } from './contract.js';

/** The benchmark's n, the reference run's. */
const N = 100;
/** Mixed order: a long output followed by a short one shows a buffer that kept its bytes. */
const ORDER = [100, 7, 100, 0, 250, 3, 100, 1, 42, 100];

/** The seed's output: "0,1,...,n-1,". */
const expected = (n: number) => Array.from({ length: n }, (_, i) => `${i},`).join('');

const clip = (s: string) => JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);

interface Behaviour {
  /** Undefined when every call gave the expected output; else what went wrong first. */
  fault?: string;
  /** Whether the fault is a pooled output that differs from format's (a missing reset). */
  resetFault: boolean;
  /** Pool.get and Pool.put calls on any syncpool Pool during the pooled calls. */
  gets: number;
  puts: number;
}

/** Counts Pool.get and Pool.put calls (on the prototype, so any pool the learner made) while `body` runs. */
function countingPoolCalls<T>(body: () => T): { value: T; gets: number; puts: number } {
  const proto = Pool.prototype as unknown as { get(): unknown; put(x: unknown): void };
  const { get, put } = proto;
  let gets = 0;
  let puts = 0;
  proto.get = function (this: unknown) { gets++; return get.call(this); };
  proto.put = function (this: unknown, x: unknown) { puts++; put.call(this, x); };
  try {
    return { value: body(), gets, puts };
  } finally {
    proto.get = get;
    proto.put = put;
  }
}

function call(fn: (n: number) => string, name: string, n: number): string | { fault: string } {
  try {
    const s = fn(n);
    return typeof s === 'string' ? s : { fault: `${name}(${n}) returned ${typeof s}, not a string` };
  } catch (error) {
    return { fault: `${name}(${n}) threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}` };
  }
}

/** format against the seed's output, then formatPooled against format, in ORDER. */
export function checkBehaviour(m: FormatModule): Behaviour {
  const { value, gets, puts } = countingPoolCalls((): Omit<Behaviour, 'gets' | 'puts'> => {
    let previous: number | undefined;
    for (const n of ORDER) {
      const plain = call(m.format, 'format', n);
      if (typeof plain !== 'string') return { fault: plain.fault, resetFault: false };
      if (plain !== expected(n)) return { fault: `format(${n}) gave ${clip(plain)}, not the seed's ${clip(expected(n))}`, resetFault: false };
      const pooled = call(m.formatPooled, 'formatPooled', n);
      if (typeof pooled !== 'string') return { fault: pooled.fault, resetFault: false };
      if (pooled !== plain) {
        return {
          fault: `formatPooled(${n})${previous === undefined ? '' : ` after formatPooled(${previous})`} gave ${clip(pooled)}, not ` +
            `format(${n})'s ${clip(plain)}`,
          resetFault: true,
        };
      }
      previous = n;
    }
    return { resetFault: false };
  });
  return { ...value, gets, puts };
}

async function measure(file: string): Promise<{ noPool: Figures; pool: Figures; text: string }> {
  const { figures, text } = await benchLearner(file, [
    { name: 'FormatNoPool', source: `(b) => { for (let i = 0; i < b.N; i++) sink(learner.format(${N})); }` },
    { name: 'FormatPool', source: `(b) => { for (let i = 0; i < b.N; i++) sink(learner.formatPooled(${N})); }` },
  ]);
  return { noPool: figuresOf(figures, 'FormatNoPool'), pool: figuresOf(figures, 'FormatPool'), text };
}

/** Why, in the pool's own terms, allocs/op may not have dropped. */
function poolUse(b: Behaviour): string {
  const calls = `${ORDER.length} formatPooled calls made ${b.gets} Pool.get and ${b.puts} Pool.put calls`;
  if (b.gets === 0) return `${calls}: formatPooled never takes a buffer from the pool`;
  if (b.puts === 0) return `${calls}: formatPooled never puts its buffer back, so every get makes a new one`;
  return calls;
}

export async function checkFormat(file: string): Promise<{ result: Result; text: string }> {
  const m = formatFunctionsOf(await loadModule(file, FORMAT_CONTRACT), file);
  const behaviour = checkBehaviour(m);
  // A wrong output decides the verdict before any measurement; a buffer never reset would also
  // grow with every benchmark iteration, past any time limit.
  const measured = behaviour.fault === undefined ? await measure(file) : undefined;
  const judgement = measured === undefined
    ? { verdict: 'does not hold' as const, allocsDrop: NaN,
      reason: behaviour.resetFault
        ? `a reused buffer kept the previous user's bytes: it was not reset before put. The call that showed it: ${behaviour.fault!}. ` +
          'Not benchmarked: a buffer that is never reset grows with every call.'
        : `${behaviour.fault!}; nothing was measured.` }
    : judgeBufferPool(measured.noPool, measured.pool, true);
  const reason = judgement.allocsDrop < 1 ? `${judgement.reason} ${poolUse(behaviour)}.` : judgement.reason;
  const holds = judgement.verdict === 'holds';
  const next = holds ? 'Next: compare with the reference (npx syncpool-lab 1), and try n = 10 and n = 10000: where does pooling stop paying?'
    : behaviour.resetFault ? 'Next: reset the buffer (keep its capacity) before pool.put.'
      : behaviour.fault !== undefined ? 'Next: make format(n) give "0,1,...,n-1," and formatPooled the same.'
        : judgement.allocsDrop < 1 ? 'Next: take the buffer with pool.get() instead of making one, and put it back after reading the string.'
          : 'Next: the pooled version is slower; see what it allocates or does that format does not.';
  const rows = measured === undefined ? [] : [
    ['format (fresh buffer)', showSpread(measured.noPool.ns), round(measured.noPool.bytesPerOp), round(measured.noPool.allocsPerOp)],
    ['formatPooled', showSpread(measured.pool.ns), round(measured.pool.bytesPerOp), round(measured.pool.allocsPerOp)],
  ];
  const text = [
    `Task 1: ${holds ? 'holds' : 'does not hold'}`,
    `  ${reason}`,
    ...(rows.length === 0 ? [] : ['', `  ${'benchmark'.padEnd(24)}${'ns/op'.padEnd(28)}${'B/op'.padEnd(10)}allocs/op`,
      ...rows.map(([a, b, c, d]) => `  ${String(a).padEnd(24)}${String(b).padEnd(28)}${String(c).padEnd(10)}${String(d)}`)]),
    '',
    next,
  ].join('\n');
  const result: Result = {
    verdict: judgement.verdict,
    reason,
    explanation: `The check calls format and formatPooled for n = ${ORDER.join(', ')} in that order (a pooled buffer that kept ` +
      `its bytes shows after a longer output), counting Pool.get and Pool.put, then measures format(${N}) and ` +
      `formatPooled(${N}) with syncpool-bench in fresh processes (ns/op median and range, B/op, allocs/op), judged as the reference run judges its own.`,
    tables: rows.length === 0 ? [] : [{ title: `format(${N}) and formatPooled(${N}), syncpool-bench`, columns: ['benchmark', 'ns/op', 'B/op', 'allocs/op'], rows }],
    charts: [],
    artifacts: measured === undefined ? [] : [{ name: 'bench/format.txt', content: measured.text, show: 'link' }],
  };
  return { result, text };
}
