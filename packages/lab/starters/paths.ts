import { SharedPool } from 'syncpool';
import { sink, type B } from 'syncpool-bench';

/** Fast: put then get on one attachment, a private hit every time. */
export function fastPath(b: B): void {
  const pool = SharedPool.create({ blockSize: 64, blocks: 4, maxLocals: 1 });
  const block = pool.get();
  for (let i = 0; i < b.N; i++) {
    pool.put(block);
    sink(pool.get());
  }
}

/** Slow: every get must miss its own private slot and ring. */
export function slowPath(b: B): void {
  // TODO: a second attachment that only gets while the first only puts (see the hints).
  fastPath(b);
}
