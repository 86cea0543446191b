/**
 * One thread of task 7's stress run on the learner's ring: the owner pushes 0..count-1 at the
 * head (popping its own head every `popHeadEvery` pushes and whenever the ring is full), the
 * stealers pop the tail until the owner is done and the ring is empty. Each value taken is
 * counted in `seen`; `where` says what the thread is doing now, for the watchdog's report.
 */
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';
import { pathToFileURL } from 'node:url';
import type { DequeueClass } from './contract.js';
import type { StressTask } from './stress.js';

// Codes in `where`: 0 between operations, 1 pushHead, 2 popHead, 3 popTail, 4 finished (stress.ts's WHERE).


const task = workerData as StressTask;
// A worker does not inherit the parent's tsx hooks: TypeScript loads through tsx's own import.
const cls = (await (/\.m?ts$/.test(task.file) ? tsImport(task.file, import.meta.url) : import(pathToFileURL(task.file).href)) as { Dequeue: DequeueClass }).Dequeue;
const ring = new cls(new Int32Array(task.ring), task.capacity);
const seen = new Int32Array(task.seen);
const where = new Int32Array(task.where);
const doneWord = where.length - 1;
const at = 3 * task.index;

function enter(code: number): void {
  Atomics.store(where, at, code);
}

/** Only operations that moved a value count as progress: a ring that refuses every push spins without any. */
function leave(moved: boolean): void {
  Atomics.store(where, at, 0);
  if (moved) Atomics.add(where, at + 1, 1);
}

/** Counts a value taken; anything but a value in [0, count) is counted as out of range in the last word. */
function take(v: unknown): boolean {
  if (v === undefined) return false;
  Atomics.add(where, at + 2, 1);
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < task.count) Atomics.add(seen, v, 1);
  else Atomics.add(seen, task.count, 1);
  return true;
}

const popHead = () => {
  enter(2);
  const v = ring.popHead();
  leave(v !== undefined);
  return take(v);
};
const popTail = () => {
  enter(3);
  const v = ring.popTail();
  leave(v !== undefined);
  return take(v);
};

if (task.role === 'owner') {
  for (let v = 0; v < task.count; v++) {
    for (;;) {
      enter(1);
      const ok = ring.pushHead(v);
      leave(ok);
      if (ok) break;
      popHead();
    }
    if ((v + 1) % task.popHeadEvery === 0) popHead();
  }
  while (popHead());
  Atomics.store(where, doneWord, 1);
} else {
  for (;;) {
    const finished = Atomics.load(where, doneWord) === 1;
    if (!popTail() && finished) break;
  }
}
enter(4);
