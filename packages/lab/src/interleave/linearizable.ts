/**
 * Linearizability of a history against a sequential specification (Wing and Gong's search, with
 * Lowe's memo of visited configurations): is there an order of the operations that respects
 * real time (an operation that returned before another was called comes first) in which the
 * sequential specification gives every operation the outcome it had?
 */
import { outcomeText, type HistoryOp, type Outcome } from './explore.js';

export interface Specification<S> {
  initial: S;
  /** The state after `label` (as in the history) and the outcome the specification gives it. */
  apply(state: S, label: string): { state: S; outcome: Outcome };
  /** A key that identifies the state, for the memo. */
  key(state: S): string;
}

export type Linearization = { ok: true; order: HistoryOp[] } | { ok: false };

/** Only completed operations take part; pending ones (a thread that died mid-operation) are left out. */
export function linearize<S>(history: readonly HistoryOp[], spec: Specification<S>): Linearization {
  const ops = history.filter((h) => h.ret !== undefined);
  const done = new Array<boolean>(ops.length).fill(false);
  const memo = new Set<string>();
  const order: HistoryOp[] = [];
  const search = (state: S): boolean => {
    if (order.length === ops.length) return true;
    const key = `${done.map((d) => (d ? 1 : 0)).join('')}|${spec.key(state)}`;
    if (memo.has(key)) return false;
    memo.add(key);
    // Candidates: operations not yet placed that no unplaced operation precedes in real time.
    let earliestReturn = Number.POSITIVE_INFINITY;
    for (const [i, op] of ops.entries()) if (!done[i]) earliestReturn = Math.min(earliestReturn, op.ret!);
    for (const [i, op] of ops.entries()) {
      if (done[i] || op.call > earliestReturn) continue;
      const next = spec.apply(state, op.label);
      if (outcomeText(next.outcome) !== outcomeText(op.outcome!)) continue;
      done[i] = true;
      order.push(op);
      if (search(next.state)) return true;
      order.pop();
      done[i] = false;
    }
    return false;
  };
  return search(spec.initial) ? { ok: true, order } : { ok: false };
}
