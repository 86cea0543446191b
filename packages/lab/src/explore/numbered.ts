/**
 * One timeline for several threads' events: every observer numbers its events with one counter
 * in shared memory, taken just after the operation took effect. The library cannot report an
 * attachment's own attach (it exists only once attach has returned), so the recorder writes that
 * event itself when it starts observing.
 */
import type { SharedPool, SharedPoolEvent } from 'syncpool';

export interface Numbered {
  seq: number;
  event: SharedPoolEvent;
}

/** Records `pool`'s attach and every later event of it into `into`, numbered by words[0]. */
export function observeNumbered(pool: SharedPool, words: Int32Array, into: Numbered[]): void {
  into.push({ seq: Atomics.add(words, 0, 1), event: { kind: 'attach', local: pool.localId, generation: pool.generation } });
  pool.observe((event) => into.push({ seq: Atomics.add(words, 0, 1), event }));
}
