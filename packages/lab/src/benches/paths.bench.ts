// Exercise 4: a SharedPool get on the fast path (a private hit) against a get forced onto the
// slow path (a steal from another local's ring tail). One thread holds two locals: A fills its
// ring, B, whose private slot and ring are always empty, steals. Only B's gets are timed.
import { bench, sink } from 'syncpool-bench';
import { SharedPool, type BlockId } from 'syncpool';

const BATCH = 64;

bench('PathPrivate', (b) => {
  const a = SharedPool.create({ blockSize: 64, blocks: 4, maxLocals: 1 });
  const x = a.get();
  for (let i = 0; i < b.N; i++) {
    a.put(x);
    sink(a.get());
  }
});

bench('PathSteal', (b) => {
  const a = SharedPool.create({ blockSize: 64, blocks: BATCH + 1, maxLocals: 2 });
  const thief = SharedPool.attach(a.buffer);
  const held: number[] = [];
  for (let i = 0; i <= BATCH; i++) held.push(a.get()); // all fresh: the pool is empty
  a.put(held.pop()! as BlockId); // parks a block in A's private slot, so A's puts go to its ring
  b.stopTimer();
  for (let done = 0; done < b.N;) {
    const n = Math.min(BATCH, b.N - done);
    for (let i = 0; i < n; i++) a.put(held.pop()! as BlockId);
    b.startTimer();
    for (let i = 0; i < n; i++) held.push(thief.get());
    b.stopTimer();
    done += n;
  }
});
