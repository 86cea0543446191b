// The shared pools' step order before issue 9 (main at 9eca4d1), frozen so that the checker can
// show the hangs it finds there. Only what the checker runs is kept: get, put, steal and reclaim
// of SharedPool over a PoolDequeue without claim announcements (whose steps are exactly the old
// PoolDequeue's), and MutexPool's three-state lock with a separate holder word. Words are placed
// by today's layout; the state word is the old one (0 free, 1 attached, 2 reclaiming).
import { PoolError } from '../../src/errors.js';
import { PoolDequeue } from '../../src/pool-dequeue.js';
import { H_BUMP, M_LOCK, M_STACK, M_TOP, R_HEAD_TAIL, R_PRIVATE, type Layout } from '../../src/shared-layout.js';
import { recordWord } from '../../src/shared-local.js';
import type { Subject } from './checker.js';

export const OLD_ATTACHED = 1;

function claimState(words: Int32Array, layout: Layout, localId: number): void {
  const state = recordWord(layout, localId);
  if (Atomics.compareExchange(words, state, OLD_ATTACHED, 2) !== OLD_ATTACHED) throw new Error(`local ${localId} is not attached`);
}

function fresh(words: Int32Array, blocks: number): number {
  for (;;) {
    const next = Atomics.load(words, H_BUMP);
    if (next >= blocks) return -1;
    if (Atomics.compareExchange(words, H_BUMP, next, next + 1) === next) return next;
  }
}

export class OldSharedPool implements Subject {
  private readonly rings: PoolDequeue[] = [];

  constructor(private readonly words: Int32Array, private readonly layout: Layout, readonly localId: number) {
    for (let id = 0; id < layout.maxLocals; id++) {
      this.rings.push(new PoolDequeue(words, layout.ringCapacity, recordWord(layout, id) + R_HEAD_TAIL, (layout.regionAt >>> 2) + id * layout.ringCapacity));
    }
  }

  get(): number {
    const slot = recordWord(this.layout, this.localId) + R_PRIVATE;
    const held = this.words[slot]!;
    if (held !== 0) {
      this.words[slot] = 0;
      return held - 1;
    }
    let id = this.rings[this.localId]!.popHead();
    if (id >= 0) return id;
    for (let i = 1; i < this.rings.length; i++) {
      id = this.rings[(this.localId + i) % this.rings.length]!.popTail();
      if (id >= 0) return id;
    }
    return fresh(this.words, this.layout.blocks);
  }

  put(id: number): void {
    const slot = recordWord(this.layout, this.localId) + R_PRIVATE;
    if (this.words[slot] === 0) {
      this.words[slot] = id + 1;
      return;
    }
    this.push(this.rings[this.localId]!, id);
  }

  /**
   * The old push: waits, unbounded, for a stealer to hand back the head slot. The clock read is
   * not the old code's: it marks each pass for the checker (see "Spinning" in checker.ts) and
   * changes nothing else.
   */
  private push(ring: PoolDequeue, id: number): void {
    while (!ring.pushHead(id)) {
      if (ring.length === ring.capacity) throw new PoolError('SharedPool', 'put: the ring is full');
      performance.now();
    }
  }

  reclaim(localId: number): void {
    claimState(this.words, this.layout, localId);
    const slot = recordWord(this.layout, localId) + R_PRIVATE;
    const held = this.words[slot]!;
    if (held !== 0) {
      this.push(this.rings[localId]!, held - 1);
      this.words[slot] = 0;
    }
    Atomics.store(this.words, recordWord(this.layout, localId), 0);
  }
}

const FREE = 0;
const HELD = 1;
const CONTENDED = 2;
const M_HOLDER = 2; // the old layout's holder word, after lock and top here

export class OldMutexPool implements Subject {
  private readonly lockWord: number;
  private readonly holderWord: number;
  private readonly topWord: number;
  private readonly stackWord: number;

  constructor(private readonly words: Int32Array, private readonly layout: Layout, readonly localId: number) {
    const region = layout.regionAt >>> 2;
    this.lockWord = region + M_LOCK;
    this.holderWord = region + M_HOLDER;
    this.topWord = region + M_TOP;
    this.stackWord = region + M_STACK;
  }

  get(): number {
    const w = this.words;
    this.lock();
    const top = w[this.topWord]!;
    let id = -1;
    if (top > 0) {
      id = w[this.stackWord + top - 1]!;
      w[this.topWord] = top - 1;
    }
    this.unlock();
    return id >= 0 ? id : fresh(w, this.layout.blocks);
  }

  put(id: number): void {
    const w = this.words;
    this.lock();
    const top = w[this.topWord]!;
    w[this.stackWord + top] = id;
    w[this.topWord] = top + 1;
    this.unlock();
  }

  private lock(): void {
    const w = this.words;
    const lock = this.lockWord;
    const seen = Atomics.compareExchange(w, lock, FREE, HELD);
    if (seen !== FREE) {
      if (seen === CONTENDED || Atomics.exchange(w, lock, CONTENDED) !== FREE) {
        do Atomics.wait(w, lock, CONTENDED);
        while (Atomics.exchange(w, lock, CONTENDED) !== FREE);
      }
    }
    w[this.holderWord] = this.localId + 1;
  }

  private unlock(): void {
    const w = this.words;
    w[this.holderWord] = 0;
    if (Atomics.sub(w, this.lockWord, 1) !== HELD) {
      Atomics.store(w, this.lockWord, FREE);
      Atomics.notify(w, this.lockWord, 1);
    }
  }

  reclaim(localId: number): void {
    claimState(this.words, this.layout, localId);
    if (Atomics.load(this.words, this.holderWord) === localId + 1) {
      this.words[this.holderWord] = 0;
      Atomics.store(this.words, this.lockWord, FREE);
      Atomics.notify(this.words, this.lockWord);
    }
    Atomics.store(this.words, recordWord(this.layout, localId), 0);
  }
}
