/**
 * Task 5's predict-then-observe: the learner reads TurboFan's listing of Pool.get (init 5 writes
 * it to listing.txt) and predicts the offsets of the instructions that load the private slot,
 * test it for empty and clear it, and the lock-prefixed instructions on the success path; the
 * check compiles Pool.get again and finds them as exercise 5 does. Offsets are stable from one
 * compile to the next on the same node binary (only absolute addresses move).
 */
import { formatInstruction } from '../../lib/hot-path.js';
import { checkSuccessPath, exercise, last, poolCode, poolGetSubject } from '../../exercises/05-fast-path-asm.js';
import type { PredictTask } from './predict.js';

/** Pool.get's whole listing as init 5 writes it: one instruction a line, its offset first. */
export async function poolGetListing(): Promise<string> {
  const listing = last(await poolCode(), 'get');
  return `// TurboFan's optimized code for Pool.get on node ${process.version}, from the entry: offset, instruction, source.\n` +
    `${listing.instructions.map((i) => formatInstruction(i)).join('\n')}\n`;
}

const LANDMARKS = ['privateLoad', 'emptyCheck', 'clear'] as const;

export const LISTING: PredictTask = {
  task: 5,
  next: 'find that instruction in listing.txt: the source text after // names the expression it belongs to',
  questions: [
    { key: 'privateLoad', hex: true, asks: 'the offset (as in listing.txt, e.g. 0x1c) of the instruction that loads the private slot' },
    { key: 'emptyCheck', hex: true, asks: 'the offset of the branch that tests what it loaded for empty (undefined)' },
    { key: 'clear', hex: true, asks: 'the offset of the store that clears the private slot' },
    { key: 'locked', asks: 'how many lock-prefixed instructions the success path, from the entry to ret, contains' },
  ],
  async observe() {
    const path = checkSuccessPath(poolGetSubject(last(await poolCode(), 'get')));
    const reference = await exercise.run({ mode: 'tiny', withGo: false, progress: () => {} });
    const at = LANDMARKS.map((_, n) => path.landmarks[n]?.at);
    const offset = (n: number) => at[n]?.offset ?? -1;
    const shown = (n: number) => {
      const i = at[n];
      return i === undefined ? 'not found on the success path' : formatInstruction(i).replace(/\s+/g, ' ').trim();
    };
    const missing = `exercise 5's search did not find it on the success path (${path.instructions} instructions).`;
    return {
      observed: { privateLoad: offset(0), emptyCheck: offset(1), clear: offset(2), locked: path.locked },
      why: {
        privateLoad: at[0] === undefined ? missing
          : `${shown(0)}: the first load from an object field (not a stack slot) whose source is #private, after V8's entry checks of this.`,
        emptyCheck: at[1] === undefined ? missing
          : `${shown(1)}: the first conditional branch after the load: it compares the loaded value with undefined (Go's x == nil).`,
        clear: at[2] === undefined ? missing
          : `${shown(2)}: a store to the same address the load read (${/\[[^\]]+\]/.exec(at[0]?.operands ?? '')?.[0] ?? '?'}): the private slot set to undefined.`,
        locked: path.locked === 0
          ? `None of the ${path.instructions} instructions from the entry to ret is lock-prefixed: the slot is owned by this isolate, so plain movs suffice, and V8 never inlines an atomic (Atomics are builtin calls: ${path.atomicsCalls} on this path).`
          : `${path.locked} of the ${path.instructions} instructions on the success path are lock-prefixed.`,
      },
      reference: { verdict: reference.verdict, reason: reference.reason },
      tables: reference.tables,
      explanation: `The check compiled Pool.get again (node ${process.version}, synchronous TurboFan compiles) and found the success ` +
        'path as exercise 5 does: the shortest path from the entry to a ret through the load of the private slot, ignoring ' +
        `deoptimization exits.\n\nPool.get's success path:\n${path.text}`,
    };
  },
};
