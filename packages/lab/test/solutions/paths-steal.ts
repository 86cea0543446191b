// Task 4, a solution: the slow path is a get on a second attachment whose private slot and ring
// stay empty, so every get steals from the first attachment's ring tail.
import { SharedPool, type BlockId } from 'syncpool';
import type { B } from 'syncpool-bench';
import { fastPath } from '../../starters/paths.js';

const BATCH = 64;

export { fastPath };

export function slowPath(b: B): void {
  const owner = SharedPool.create({ blockSize: 64, blocks: BATCH + 1, maxLocals: 2 });
  const thief = SharedPool.attach(owner.buffer);
  const held: BlockId[] = [];
  for (let i = 0; i <= BATCH; i++) held.push(owner.get());
  owner.put(held.pop()!);
  b.stopTimer();
  for (let done = 0; done < b.N;) {
    const n = Math.min(BATCH, b.N - done);
    for (let i = 0; i < n; i++) owner.put(held.pop()!);
    b.startTimer();
    for (let i = 0; i < n; i++) held.push(thief.get());
    b.stopTimer();
    done += n;
  }
}
