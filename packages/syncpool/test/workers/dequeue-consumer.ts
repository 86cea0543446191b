// A consumer of Go's TestPoolDequeue: pops the tail until the producer says stop, counting every
// value it gets in the shared `have` array.
import { workerData } from 'node:worker_threads';
import { PoolDequeue } from '../../src/pool-dequeue.js';

const { ring, have, stop } = workerData.data as { ring: SharedArrayBuffer; have: SharedArrayBuffer; stop: SharedArrayBuffer };
const d = new PoolDequeue(ring);
const seen = new Int32Array(have);
const stopFlag = new Int32Array(stop);
while (Atomics.load(stopFlag, 0) === 0) {
  const value = d.popTail();
  if (value < 0) continue;
  Atomics.add(seen, value, 1);
}
