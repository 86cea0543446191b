/**
 * Task 7's exhaustive part: small cases of an owner and two stealers on the learner's ring, every
 * interleaving explored (interleave/explore.ts), each history checked for linearizability
 * against a sequential deque of the same capacity.
 */
import { ContractError, explore, linearize, outcomeText, type ExploreResult, type HistoryOp, type Outcome, type Specification, type StateView, type ThreadSpec } from '../../interleave/index.js';
import { wordsFor, type Dequeue, type DequeueClass } from './contract.js';

export interface Case {
  name: string;
  capacity: number;
  /** push/popTail pairs run one after another before the threads start: brings the ring's counters near a wrap. */
  warmup: number;
  owner: string[];
  stealers: string[][];
}

/**
 * Small enough to explore in seconds, large enough that the owner's pushes wrap the ring (a
 * warm-up moves the counters so that the slots wrap physically) and fill it.
 */
export const CASES: readonly Case[] = [
  { name: 'capacity 2, the owner fills the ring', capacity: 2, warmup: 0,
    owner: ['pushHead(1)', 'pushHead(2)', 'pushHead(3)', 'popHead()'], stealers: [['popTail()'], ['popTail()']] },
  { name: 'capacity 4, slots wrapping (after 3 push/popTail pairs)', capacity: 4, warmup: 3,
    owner: ['pushHead(1)', 'pushHead(2)', 'popHead()', 'pushHead(3)'], stealers: [['popTail()'], ['popTail()']] },
  { name: 'capacity 2, counters at the 16-bit wrap (after 65,535 push/popTail pairs)', capacity: 2, warmup: 65_535,
    owner: ['pushHead(1)', 'pushHead(2)', 'popHead()'], stealers: [['popTail()'], ['popTail()']] },
];

export const THREAD_NAMES = ['owner', 'stealer 1', 'stealer 2'];

function call(ring: Dequeue, label: string): unknown {
  const push = /^pushHead\((\d+)\)$/.exec(label);
  if (push !== null) return ring.pushHead(Number(push[1]));
  return label === 'popHead()' ? ring.popHead() : ring.popTail();
}

/**
 * A sequential deque of `capacity`: LIFO at the head, FIFO at the tail, pushHead false when full.
 * `pushHead?(v)` is a pushHead that returned false while a popTail overlapped it: as in Go's
 * poolDequeue, a popTail that has taken a value but not yet freed its slot keeps the ring full,
 * so such a refusal is allowed whatever the deque holds, and changes nothing.
 */
export function sequentialDeque(capacity: number): Specification<readonly number[]> {
  return {
    initial: [],
    key: (s) => s.join(','),
    apply(s, label) {
      if (label.startsWith('pushHead?')) return { state: s, outcome: { value: false } };
      const push = /^pushHead\((\d+)\)$/.exec(label);
      if (push !== null) return s.length === capacity ? { state: s, outcome: { value: false } } : { state: [...s, Number(push[1])], outcome: { value: true } };
      if (s.length === 0) return { state: s, outcome: { value: undefined } };
      return label === 'popHead()' ? { state: s.slice(0, -1), outcome: { value: s.at(-1) } } : { state: s.slice(1), outcome: { value: s[0] } };
    },
  };
}

/** The history with every pushHead that returned false while a popTail overlapped it relabelled `pushHead?(v)`. */
function withExcusedRefusals(history: readonly HistoryOp[]): HistoryOp[] {
  const overlaps = (a: HistoryOp, b: HistoryOp) => a.call < (b.ret ?? Infinity) && b.call < (a.ret ?? Infinity);
  return history.map((h) => (h.label.startsWith('pushHead') && h.outcome !== undefined && 'value' in h.outcome && h.outcome.value === false &&
    history.some((o) => o.label === 'popTail()' && overlaps(h, o))
    ? { ...h, label: h.label.replace('pushHead', 'pushHead?') } : h));
}

const who = (h: HistoryOp) => (THREAD_NAMES[h.thread] ?? 'the check');
const pushedValue = (label: string) => Number(/^pushHead\((\d+)\)$/.exec(label)?.[1] ?? NaN);
const isPop = (label: string) => label !== '' && !label.startsWith('pushHead');

/** The first thing wrong with the completed operations so far that no interleaving excuses, or undefined. */
function obviousFault(history: readonly HistoryOp[]): string | undefined {
  const called = new Set<number>();
  const popped = new Map<number, HistoryOp>();
  for (const h of history) if (h.label.startsWith('pushHead')) called.add(pushedValue(h.label));
  for (const h of history) {
    if (h.outcome === undefined) continue;
    if ('threw' in h.outcome) return `${who(h)}'s ${h.label} threw ${h.outcome.threw}`;
    const v = h.outcome.value;
    if (h.label.startsWith('pushHead')) {
      if (typeof v !== 'boolean') return `${who(h)}'s ${h.label} returned ${outcomeText(h.outcome)}; pushHead returns true or false`;
      continue;
    }
    if (v === undefined) continue;
    if (typeof v !== 'number') return `${who(h)}'s ${h.label} returned ${outcomeText(h.outcome)}; a pop returns a number or undefined`;
    if (!called.has(v)) return `${who(h)}'s ${h.label} returned ${v}, a value nobody pushed`;
    const first = popped.get(v);
    if (first !== undefined) return `value ${v} came out twice: ${who(first)}'s ${first.label} and ${who(h)}'s ${h.label} both returned it`;
    popped.set(v, h);
  }
  return undefined;
}

/**
 * After every thread finished: drain the ring from the tail (what is left must come out, oldest
 * first), then fill it to capacity and empty it again (every slot must be usable again). The
 * operations join the history after everything the threads did.
 */
function afterwards(view: StateView, ring: Dequeue, capacity: number): HistoryOp[] {
  const ops: HistoryOp[] = [];
  let clock = 2 * view.history.length;
  const run = (label: string) => {
    let outcome: Outcome;
    try {
      outcome = { value: call(ring, label) };
    } catch (error) {
      outcome = { threw: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
    ops.push({ thread: THREAD_NAMES.length, index: ops.length, label, call: clock++, ret: clock++, outcome });
    return outcome;
  };
  view.free(() => {
    for (let n = 0; n <= capacity; n++) {
      const o = run('popTail()');
      if (!('value' in o) || o.value === undefined) break;
    }
    for (let n = 0; n < capacity; n++) run(`pushHead(${1000 + n})`);
    for (let n = 0; n <= capacity; n++) {
      const o = run('popTail()');
      if (!('value' in o) || o.value === undefined) break;
    }
  });
  return ops;
}

function finalFault(view: StateView, ring: Dequeue, capacity: number): string | undefined {
  const after = afterwards(view, ring, capacity);
  const history = [...view.history, ...after];
  const obvious = obviousFault(history);
  if (obvious !== undefined) return `${obvious}${after.some((h) => obviousFault([...view.history, h]) !== undefined) ? ' (after the threads finished, draining the ring)' : ''}`;
  const pushed = history.filter((h) => h.label.startsWith('pushHead') && h.outcome !== undefined && 'value' in h.outcome && h.outcome.value === true);
  const out = new Set(history.filter((h) => isPop(h.label) && h.outcome !== undefined && 'value' in h.outcome).map((h) => (h.outcome as { value: unknown }).value));
  const lost = pushed.map((h) => pushedValue(h.label)).filter((v) => !out.has(v));
  if (lost.length > 0) return `value${lost.length > 1 ? 's' : ''} ${lost.join(', ')} went in (pushHead returned true) and never came out, not even when the ring was drained afterwards: lost`;
  const refused = after.find((h) => h.label.startsWith('pushHead') && h.outcome !== undefined && 'value' in h.outcome && h.outcome.value === false);
  if (refused !== undefined) {
    return `after the threads finished and the ring was drained empty, ${refused.label} returned false with ${refused.index - after.findIndex((h) => h.label.startsWith('pushHead'))} of ${capacity} slots filled: a slot was never freed`;
  }
  if (!linearize(withExcusedRefusals(history), sequentialDeque(capacity)).ok) {
    return 'no order of these operations, consistent with when each was called and returned, gives these results on a ' +
      `sequential deque of capacity ${capacity} (LIFO at the head, FIFO at the tail, empty only when empty, pushHead false only when full or while a popTail is still freeing its slot)`;
  }
  return undefined;
}

export interface CaseOutcome {
  case: Case;
  result: ExploreResult;
  ms: number;
  /** What went wrong before any interleaving: the constructor threw or broke the contract, or the sequential warm-up failed. */
  setupFault?: string;
}

/** A warm-up's sequential pairs: each pushHead must succeed and the popTail after it return its value. */
function warmUp(ring: Dequeue, pairs: number): string | undefined {
  for (let n = 0; n < pairs; n++) {
    const value = n & 0x3fff;
    const ok = ring.pushHead(value);
    const got = ring.popTail();
    if (ok !== true || got !== value) {
      return `one thread alone, push/popTail pair ${n + 1} of ${pairs}: pushHead(${value}) returned ${String(ok)} and popTail() returned ` +
        `${String(got)} on an otherwise empty ring (its counters had moved ${n} times)`;
    }
  }
  return undefined;
}

/** Explores one case on the learner's class. */
export function exploreCase(cls: DequeueClass, c: Case): CaseOutcome {
  const started = performance.now();
  let setupFault: string | undefined;
  const words = wordsFor(cls, c.capacity);
  let result: ExploreResult = { states: 0, transitions: 0, finals: 0 };
  try {
    result = explore({
      words,
      build(memory) {
        const rings = THREAD_NAMES.map(() => new cls(memory, c.capacity));
        if (c.warmup > 0) setupFault = warmUp(rings[0]!, c.warmup);
        const scripts = [c.owner, ...c.stealers];
        const threads: ThreadSpec[] = scripts.map((ops, n) => ({
          name: THREAD_NAMES[n]!,
          fields: [rings[n]!],
          ops: setupFault === undefined ? ops.map((label) => ({ label, run: () => call(rings[n]!, label) })) : [],
        }));
        return {
          threads,
          invariant: (view) => obviousFault(view.history),
          final: (view) => finalFault(view, rings[0]!, c.capacity),
        };
      },
    });
  } catch (error) {
    // Building the rings ran the learner's constructor and warm-up: a throw there is the ring's fault, reported as such.
    const what = error instanceof Error ? (error instanceof ContractError ? error.message : `${error.name}: ${error.message}`) : String(error);
    setupFault = error instanceof ContractError ? `it breaks the contract: ${what}` : `building the rings or warming them up threw ${what}`;
  }
  return { case: c, result, ms: performance.now() - started, ...(setupFault === undefined ? {} : { setupFault }) };
}
