// Go's poolDequeue (src/sync/poolqueue.go) over Int32 words, so that it can live in a
// SharedArrayBuffer and be used by several threads at once.
//
// A fixed ring of slots plus one word, headTail, that packs two 16-bit counters:
//
//   headTail = head << 16 | tail      (head: the next slot to fill; tail: the oldest value)
//
// The values in the ring are the slots tail, tail+1, ..., head-1 (counters mod 2^16, slot index
// = counter & (capacity-1)). Empty: head == tail. Full: tail + capacity == head (mod 2^16).
// Packing both counters into one word is what lets a single compareExchange decide the race
// between popHead and popTail for the last value. The capacity is at most 2^14, a quarter of the
// counter range (Go keeps a quarter too: fullness is detected by wrapping around the ring, which
// must never coincide with wrapping around the counter).
//
// Why Int32 and not Go's 64-bit word: every Atomics call on a BigInt64Array returns a new BigInt,
// and packing two indexes into one allocates more: a load, pack and compareExchange costs 152 B
// in 7 allocations on Node 20, against nothing on an Int32 (bench/headtail-word.bench.ts).
//
// A slot holds value + 1, so 0 marks a free slot and a zero-filled buffer is a valid empty ring.
// Go marks a free slot with a nil interface the same way.
//
// Who may call what:
//   pushHead, popHead: one thread at a time, the owner (single producer).
//   popTail: any number of threads at once.
//
// Memory ordering (every Atomics operation is sequentially consistent; plain accesses are
// ordered by the atomics around them, as in the JavaScript memory model's happens-before):
//   (1) pushHead writes the slot with a plain store, then publishes it with Atomics.add on
//       headTail. A consumer's load or compareExchange of headTail that sees the new head is
//       ordered after that add, so its plain read of the slot sees the value.
//   (2) popHead and popTail claim a slot with compareExchange on headTail *before* reading it.
//       After the claim no other consumer can claim the same counter value, and the owner cannot
//       reuse the slot because of (3).
//   (3) popTail hands the slot back with Atomics.store(slot, 0) *after* reading it. Until then
//       the slot is non-zero although it lies outside tail..head, and pushHead, which loads the
//       slot with Atomics.load before writing it, reports the ring full. Without this rule an
//       owner that laps a slow consumer would overwrite the value the consumer is still reading.
//   (4) ABA on headTail is harmless: a compareExchange that succeeds after the word went away
//       and came back to the same value claims whatever the slot holds now, which was
//       published by (1) like any other value.
//
// Termination (worker.terminate()): V8 acts on a termination request at its interrupt checks,
// and the Atomics builtins are among them: a probe that marked every step found all of 120
// terminations landing inside an Atomics call, before its effect. So a thread can stop between
// any two atomic steps of the code below, and it runs no finally block. Left alone, two windows
// would strand a slot: a popTail that dies between its claiming CAS and its release store keeps
// the slot "in use" for ever, so pushHead refuses it on every later lap (rule 3); a pushHead that
// dies between its slot write and its publishing add leaves a written, unpublished slot at head.
// A popHead that dies between its CAS and its clearing store leaves the same. All three are
// slots outside tail..head that are not free; `stranded(k)` finds them and `retake(k, word)`
// lets the producer take one back once it knows that no live thread will release it. To tell,
// a stealer can announce each claim before its CAS (the `announce` constructor argument): the
// announcement stays up until the slot is handed back, so a stranded slot whose claim no live
// thread announces has a dead claimant (SharedPool's push and reclaim, shared-local.ts).
//   (5) retake is a compareExchange from the word the producer saw to 0. A live claimant's
//       release stores 0, and only the producer writes non-zero words into its slots, so the
//       CAS can neither take a slot that was handed back nor succeed on a reused one (no ABA).

import { PoolError, describeValue } from './errors.js';

const COUNTER_MASK = 0xffff;
const HEAD_ONE = 1 << 16;

/** The largest capacity of a PoolDequeue: 2^14 slots, a quarter of the 16-bit counter range. */
export const DEQUEUE_LIMIT = 1 << 14;
/** The largest value a PoolDequeue holds: slots store value + 1 in an Int32 and 0 means free. */
export const DEQUEUE_MAX_VALUE = 0x7ffffffe;

/** Where a stealer announces its claims: its own word, and the tag naming this ring in it. */
export interface ClaimAnnouncement {
  /** The announcing thread's word in `memory`. popTail stores `tag | tail` there before its CAS and 0 after its release. */
  readonly word: number;
  /** Names this ring; non-zero in bits that a 16-bit counter leaves free (bits 16..30). */
  readonly tag: number;
}

function pack(head: number, tail: number): number {
  return ((head & COUNTER_MASK) << 16) | (tail & COUNTER_MASK);
}

/**
 * Go's poolDequeue: a lock-free, fixed-size, single-producer, multi-consumer ring of
 * non-negative integers in Int32 words of a SharedArrayBuffer (or of a plain ArrayBuffer, for
 * single-threaded use).
 *
 * The owner pushes and pops at the head (LIFO); any thread pops at the tail (FIFO). Share the
 * memory with workers and construct a PoolDequeue over the same words in each of them.
 *
 * ```ts
 * const sab = new SharedArrayBuffer(PoolDequeue.byteLength(1024));
 * const d = new PoolDequeue(sab);            // word 0: headTail, words 1..1024: slots
 * d.pushHead(7); d.popTail();                // 7 (from any thread holding `sab`)
 * ```
 */
export class PoolDequeue {
  /** The number of slots, a power of two from 2 to 2^14. */
  readonly capacity: number;
  private readonly words: Int32Array;
  private readonly headTail: number;
  private readonly slots: number;
  private readonly mask: number;
  private readonly claimWord: number;
  private readonly claimTag: number;

  /** Bytes needed by `new PoolDequeue(sab)` with `capacity` slots: one headTail word plus the slots. */
  static byteLength(capacity: number): number {
    checkCapacity(capacity);
    return 4 * (capacity + 1);
  }

  /**
   * @param memory the words to use: an Int32Array, or a SharedArrayBuffer viewed as one.
   * @param capacity slots in the ring, a power of two from 2 to 2^14. Default: every word of
   *   `memory` after the headTail word.
   * @param headTailIndex the word holding the packed counters. Default 0.
   * @param slotsAt the first slot word. Default: the word after headTail.
   * @param announce where this thread's popTail announces its claims (see "Termination" in
   *   pool-dequeue.ts). Default: no announcement.
   *
   * The words must be zero (an empty ring) or hold a ring left by another PoolDequeue with the
   * same capacity. The constructor writes nothing, so every thread can construct its own.
   */
  constructor(
    memory: Int32Array | SharedArrayBuffer, capacity?: number, headTailIndex = 0, slotsAt?: number,
    announce?: ClaimAnnouncement,
  ) {
    if (!Number.isInteger(headTailIndex)) throw new TypeError(`PoolDequeue: headTailIndex is ${describeValue(headTailIndex)}; pass an integer word index`);
    const slotsIndex = slotsAt ?? headTailIndex + 1;
    let words: Int32Array;
    if (memory instanceof Int32Array) words = memory;
    else if (memory instanceof SharedArrayBuffer) words = new Int32Array(memory, 0, memory.byteLength >>> 2);
    else throw new TypeError('PoolDequeue: memory must be an Int32Array or a SharedArrayBuffer');
    if (!Number.isInteger(slotsIndex)) throw new TypeError(`PoolDequeue: slotsIndex is ${describeValue(slotsIndex)}; pass an integer word index`);
    const slotCount = capacity ?? words.length - slotsIndex;
    checkCapacity(slotCount);
    const isWord = (index: number) => Number.isInteger(index) && index >= 0 && index < words.length;
    if (!isWord(headTailIndex)) {
      throw new RangeError(`PoolDequeue: headTailIndex ${headTailIndex} is not a word of memory (0..${words.length - 1})`);
    }
    if (slotsIndex < 0 || slotsIndex + slotCount > words.length) {
      throw new RangeError(
        `PoolDequeue: ${slotCount} slots from word ${slotsIndex} do not fit in ${words.length} words; pass a larger memory or fewer slots`,
      );
    }
    const inSlots = (index: number) => index >= slotsIndex && index < slotsIndex + slotCount;
    if (inSlots(headTailIndex)) throw new RangeError('PoolDequeue: headTailIndex lies inside the slots; place it before or after them');
    if (announce !== undefined && (!isWord(announce.word) || inSlots(announce.word) || announce.word === headTailIndex ||
        !Number.isInteger(announce.tag) || announce.tag <= COUNTER_MASK || announce.tag > 0x7fffffff || (announce.tag & COUNTER_MASK) !== 0)) {
      throw new RangeError('PoolDequeue: announce.word must be a word of memory outside the ring, and announce.tag a ' +
        'positive Int32 with its low 16 bits clear');
    }
    this.words = words;
    this.capacity = slotCount;
    this.headTail = headTailIndex;
    this.slots = slotsIndex;
    this.mask = slotCount - 1;
    this.claimWord = announce?.word ?? -1;
    this.claimTag = announce?.tag ?? 0;
  }

  /**
   * Adds `value` at the head. Owner only. Returns false when the ring is full, or when the head
   * slot is still being read by a popTail of the previous lap (the ring is then full in effect).
   */
  pushHead(value: number): boolean {
    if (!isValue(value)) {
      const message = `PoolDequeue.pushHead: ${describeValue(value)} is not an integer from 0 to ${DEQUEUE_MAX_VALUE}`;
      throw Number.isInteger(value) ? new RangeError(message) : new TypeError(message);
    }
    const w = this.words;
    const ptrs = Atomics.load(w, this.headTail);
    const head = ptrs >>> 16;
    const tail = ptrs & COUNTER_MASK;
    if (((tail + this.capacity) & COUNTER_MASK) === head) return false;
    this.checkLength(head, tail, 'pushHead');
    const slot = this.slots + (head & this.mask);
    // Rule (3): a popTail that claimed this slot a lap ago may not have handed it back yet.
    if (Atomics.load(w, slot) !== 0) return false;
    // Rule (1): the slot is ours; nobody reads it before the add below publishes it.
    w[slot] = value + 1;
    // Only the owner changes head, so adding to the packed word cannot disturb tail: the add
    // carries out of bit 31 and is dropped, which is exactly head + 1 mod 2^16. The add returns
    // the word before it: a head other than the one loaded above means that a second producer
    // pushed meanwhile (into the same slot), which the single-producer rule forbids.
    if (Atomics.add(w, this.headTail, HEAD_ONE) >>> 16 !== head) {
      throw new PoolError('PoolDequeue', 'pushHead: another thread pushed at the head at the same time; pushHead and popHead ' +
        'are for one thread (the owner) only: give each producer its own ring');
    }
    return true;
  }

  /** PoolError when tail..head holds more values than the ring has slots: the words are not this ring's. */
  private checkLength(head: number, tail: number, method: string): void {
    if (((head - tail) & COUNTER_MASK) > this.capacity) throw this.notThisRing(method, `${(head - tail) & COUNTER_MASK} values between tail and head`);
  }

  private notThisRing(method: string, found: string): PoolError {
    return new PoolError('PoolDequeue', `${method}: the ring of ${this.capacity} slots holds ${found}: its memory was not zeroed, ` +
      'or another PoolDequeue of a different capacity or with two producers uses these words; construct every view of a ring ' +
      'over zeroed words with the same capacity, and push from one thread');
  }

  /** The value in a claimed slot; PoolError, freeing the slot, when it holds none (see notThisRing). */
  private take(slot: number, method: string): number {
    const word = this.words[slot]!;
    if (word > 0) return word - 1;
    Atomics.store(this.words, slot, 0);
    if (this.claimWord >= 0) Atomics.store(this.words, this.claimWord, 0);
    throw this.notThisRing(method, `the word ${word} in a slot between tail and head`);
  }

  /** Removes and returns the value at the head (the newest), or -1 when empty. Owner only. */
  popHead(): number {
    const slot = this.claim(true);
    if (slot < 0) return -1;
    const value = this.take(slot, 'popHead');
    // No consumer can hold this slot (it was inside tail..head until the claim) and only the
    // owner writes slots, so a plain store frees it, as in Go.
    this.words[slot] = 0;
    return value;
  }

  /** Removes and returns the value at the tail (the oldest), or -1 when empty. Any thread. */
  popTail(): number {
    const slot = this.claim(false);
    if (slot < 0) return -1;
    const value = this.take(slot, 'popTail');
    // Rule (3): the read above is done; from this store on, pushHead may reuse the slot.
    Atomics.store(this.words, slot, 0);
    // The claim is over: nobody needs to wait for this thread any more.
    if (this.claimWord >= 0) Atomics.store(this.words, this.claimWord, 0);
    return value;
  }

  /**
   * Rule (2): claims the slot of the newest (atHead) or the oldest value with one CAS on
   * headTail, which confirms head and tail together; retries when another thread moved either
   * meanwhile (the ring may then be empty). A tail claim is announced before its CAS, when this
   * PoolDequeue announces. Returns the slot's word index, or -1 when empty.
   */
  private claim(atHead: boolean): number {
    const w = this.words;
    const announce = !atHead && this.claimWord >= 0;
    for (let announced = false; ;) {
      const ptrs = Atomics.load(w, this.headTail);
      const head = ptrs >>> 16;
      const tail = ptrs & COUNTER_MASK;
      if (head === tail) {
        if (announced) Atomics.store(w, this.claimWord, 0);
        return -1;
      }
      if (((head - tail) & COUNTER_MASK) > this.capacity) {
        if (announced) Atomics.store(w, this.claimWord, 0);
        this.checkLength(head, tail, atHead ? 'popHead' : 'popTail');
      }
      if (announce) {
        Atomics.store(w, this.claimWord, this.claimTag | tail);
        announced = true;
      }
      const taken = atHead ? head - 1 : tail;
      const next = atHead ? pack(taken, tail) : pack(head, tail + 1);
      if (Atomics.compareExchange(w, this.headTail, ptrs, next) === ptrs) return this.slots + (taken & this.mask);
    }
  }

  /** The number of values between tail and head now (a snapshot while other threads run). */
  get length(): number {
    const ptrs = Atomics.load(this.words, this.headTail);
    return ((ptrs >>> 16) - ptrs) & COUNTER_MASK;
  }

  /** The values from tail (oldest) to head (newest). Exact only while no thread uses the ring. */
  values(): number[] {
    const ptrs = Atomics.load(this.words, this.headTail);
    const out: number[] = [];
    for (let c = ptrs & COUNTER_MASK; c !== ptrs >>> 16; c = (c + 1) & COUNTER_MASK) {
      out.push(Atomics.load(this.words, this.slots + (c & this.mask)) - 1);
    }
    return out;
  }

  /**
   * Producer only. The word in the k-th slot from the head (k = 0: the slot the next push
   * fills) when that slot lies outside tail..head and is not free: stranded by a claim not yet
   * handed back, or by a producer that died mid-push or mid-popHead. 0 when it is free or k is
   * past the free slots.
   */
  stranded(k: number): number {
    const ptrs = Atomics.load(this.words, this.headTail);
    const head = ptrs >>> 16;
    if (k >= this.capacity - ((head - ptrs) & COUNTER_MASK)) return 0;
    return Atomics.load(this.words, this.slots + ((head + k) & this.mask));
  }

  /** The tail counter whose claim, one lap back, occupies the k-th slot from the head. */
  strandedClaim(k: number): number {
    return ((Atomics.load(this.words, this.headTail) >>> 16) + k - this.capacity) & COUNTER_MASK;
  }

  /**
   * Producer only, and only once no live thread will hand the slot back (its claim is no
   * longer announced): takes the value out of the k-th slot from the head if the slot still
   * holds `word` (rule 5), leaving it free. Returns the value, or -1 when the slot changed.
   */
  retake(k: number, word: number): number {
    const slot = this.slots + (((Atomics.load(this.words, this.headTail) >>> 16) + k) & this.mask);
    return Atomics.compareExchange(this.words, slot, word, 0) === word ? word - 1 : -1;
  }

  /**
   * Slots outside tail..head that are not free: claimed by a pop that has not handed them back,
   * or written by a push that did not publish. Zero whenever no operation is in flight; a
   * non-zero count with every thread stopped means a thread died mid-operation (see
   * "Termination" above).
   */
  unreleased(): number {
    let count = 0;
    for (let k = 0; k < this.capacity; k++) if (this.stranded(k) !== 0) count++;
    return count;
  }
}

function isValue(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= DEQUEUE_MAX_VALUE;
}

function checkCapacity(capacity: number): void {
  if (!Number.isInteger(capacity)) throw new TypeError(`PoolDequeue: capacity is ${describeValue(capacity)}; pass a power of two from 2 to ${DEQUEUE_LIMIT}`);
  if (capacity < 2 || capacity > DEQUEUE_LIMIT || (capacity & (capacity - 1)) !== 0) {
    throw new RangeError(`PoolDequeue: capacity ${capacity} must be a power of two from 2 to ${DEQUEUE_LIMIT}`);
  }
}
