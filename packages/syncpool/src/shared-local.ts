// A local's life cycle (Go's P, here claimed by a thread) and the words other threads read to
// tell a live thread from a dead one: the state word and the owner word of each local, and the
// claim word of its record.
//
// State word (R_STATE), changed only with Atomics:
//
//   bits 12..31  the generation's low 20 bits: 1 to 2^20 - 1, bumped by every attach or reserve
//                (0: never attached)
//
// A generation is epoch * 2^20 + those bits, with the epoch in the local's word at epochsAt.
// Generations skip the multiples of 2^20: the claim that would reach one bumps the epoch (while
// it holds the owner word, before it takes the state) and takes low bits 1. So generations only
// grow (to 2^51 and beyond), and a stale (localId, generation) can never become valid again. The
// epoch changes only there, never while the local is attached, reserved or being reclaimed.
//   bits  2..11  while RECLAIMING: the local of the thread running the reclaim
//   bits  0..1   FREE, ATTACHED, RECLAIMING or RESERVED
//
//   FREE(g) --attach--> ATTACHED(g+1) --detach--> FREE(g+1)
//      |                   ^  |    ^
//      | reserve   attach( |  | reclaim  | the reclaim threw (state restored)
//      v      reservation) |  v    |
//   RESERVED(g+1) ------------> RECLAIMING(g+1, by r) --done--> FREE(g+1)
//                  reclaim
//
// Owner word (at ownersAt), changed only with Atomics: 0 while nobody claims the local, else
// who claimed it and the tag of the generation claimed (generation % 3 + 1, bits 29..30). "Who"
// (bits 0..28) is the claiming thread's threadId + 1 for a plain attach() in a runtime with
// thread ids (Node, Bun: runtime.ts), else OWNER_UNNAMED: a plain attach elsewhere, or reserve().
//
// That word is how a parent recovers a worker with nothing but worker.threadId:
// reclaimThread(threadId) reclaims every local whose owner word names that thread. For that a
// local must be named at every moment it is taken, whatever instruction its thread dies at.
// The orderings that keep it so, each argued where it is made (crossbeam-style, (1) to (4)):
//   - a claim names the local (CAS of the owner word from 0) before it takes the state word,
//     and only the thread that won that CAS takes a free local's state or bumps its epoch;
//   - a detach frees the state word first, then clears the owner word;
//   - a reclaim clears the owner word while the local is still RECLAIMING, then frees it.
// Invariant: an owner word of 0 means FREE or RECLAIMING; an ATTACHED or RESERVED local's owner
// word names its claimer and its generation. A free local whose owner word is set is taken by
// nobody else: it is a claim in progress, or one whose thread died before taking the state (both
// with the tag of the next generation), or what a thread left that died between the two steps
// of its detach (the tag of the local's generation). reclaimThread clears the name of a dead
// thread either way, and reclaim(localId, generation) clears a detach's (clearDetached).
//
// A reservation is the other way to recover a worker that the parent cannot hear from, and the
// one that works everywhere: reserve() takes a local for the worker before the worker starts, in
// the parent's own thread, and the worker's attach(buffer, reservation) turns RESERVED into
// ATTACHED with one CAS. Whether the worker dies before that CAS (still RESERVED), after it, or
// before it posts anything, the parent already holds (localId, generation) and reclaim() gives
// the local back. A plain attach() in a runtime without thread ids cannot offer that: a thread
// killed between its claiming CAS and its return holds a local nobody can name.
//
// A thread can be stopped by worker.terminate() before any Atomics operation takes effect, and
// between statements at function entries and loop back edges; it runs no finally block. So a
// local can be left ATTACHED by a dead thread (reclaim() repairs it), or RECLAIMING by a dead
// reclaimer: then whoever reclaims the reclaimer's local finishes that reclaim too, and a
// reclaim(localId, generation) of it by any thread takes it over once the reclaimer's local is
// no longer attached. The generation makes reclaim(localId, generation) refuse a stale id: the
// dead thread's local may have been reclaimed and attached by a live thread since.
//
// Claim word (R_CLAIM): a stealer stores CLAIM_ACTIVE | ring << 16 | tail counter here before
// its claiming CAS on that ring, and 0 after it has handed the slot back (pool-dequeue.ts). A
// claimed slot that its ring's producer finds unreleased belongs to a live thread only if some
// ATTACHED local still announces that claim; otherwise its claimant died (and was reclaimed), and
// the producer may take the slot back (claimHolders below, SharedPool's push).

import { PoolError } from './errors.js';
import { R_CLAIM, R_STATE, type Layout } from './shared-layout.js';
import { threadIdentity } from './runtime.js';

export const FREE = 0;
export const ATTACHED = 1;
export const RECLAIMING = 2;
export const RESERVED = 3;
const PHASE_MASK = 3;
const RECLAIMER_SHIFT = 2;
const RECLAIMER_MASK = 0x3ff;
const GENERATION_SHIFT = 12;
/** The state word holds a generation's low bits modulo this; the epoch word counts the wraps. */
export const GENERATION_LIMIT = 1 << 20;
/** The largest generation reclaim() accepts: every integer a JavaScript number holds exactly. */
export const GENERATION_MAX = Number.MAX_SAFE_INTEGER;

const OWNER_MASK = (1 << 29) - 1;
const TAG_SHIFT = 29;
/** The owner of a local reserved, or attached by a thread without a thread id: recoverable by (localId, generation) only. */
export const OWNER_UNNAMED = OWNER_MASK;
/** The largest threadId an owner word can name (threadId + 1 must stay below OWNER_UNNAMED). */
export const THREAD_ID_MAX = OWNER_MASK - 2;

/** The bit that makes an announcement non-zero even for ring 0, counter 0. */
export const CLAIM_ACTIVE = 1 << 30;

/** The state word for `generation` (its low 20 bits go into the word; see the file comment). */
export function stateWord(generation: number, phase: number, reclaimer = 0): number {
  return ((generation % GENERATION_LIMIT) << GENERATION_SHIFT) | (reclaimer << RECLAIMER_SHIFT) | phase;
}
export const phaseOf = (state: number): number => state & PHASE_MASK;
export const generationOf = (state: number): number => state >>> GENERATION_SHIFT;
export const reclaimerOf = (state: number): number => (state >>> RECLAIMER_SHIFT) & RECLAIMER_MASK;

/** The word index of a local's record. */
export function recordWord(layout: Layout, localId: number): number {
  return (layout.recordsAt + localId * layout.recordStride) >>> 2;
}

export function stateIndex(layout: Layout, localId: number): number {
  return recordWord(layout, localId) + R_STATE;
}

function epochIndex(layout: Layout, localId: number): number {
  return (layout.epochsAt >>> 2) + localId;
}

export function ownerIndex(layout: Layout, localId: number): number {
  return (layout.ownersAt >>> 2) + localId;
}

/** The owner word of a claim by `owner` (threadId + 1, or OWNER_UNNAMED) of `generation`. */
export function ownerWord(owner: number, generation: number): number {
  return owner | ((generation % 3 + 1) << TAG_SHIFT);
}
export const ownerOf = (word: number): number => word & OWNER_MASK;

/** Who a plain attach() by this thread names in its owner word (see the file comment). */
function plainOwner(): number {
  const id = threadIdentity();
  return id === undefined || id > THREAD_ID_MAX ? OWNER_UNNAMED : id + 1;
}

/** The generation after `generation`, skipping the multiples of 2^20 (see the file comment). */
function nextGeneration(generation: number): number {
  return (generation + 1) % GENERATION_LIMIT === 0 ? generation + 2 : generation + 1;
}

/** The full generation of `localId` whose state word is `state`. */
function generationIn(words: Int32Array, layout: Layout, localId: number, state: number): number {
  return (Atomics.load(words, epochIndex(layout, localId)) >>> 0) * GENERATION_LIMIT + generationOf(state);
}

/** A local taken for a thread that has not attached yet (see the file comment): post it to that thread. */
export interface Reservation {
  readonly localId: number;
  readonly generation: number;
}

/**
 * Claims the first free local into `phase` (ATTACHED for attach, RESERVED for reserve) for
 * `owner` (threadId + 1, or OWNER_UNNAMED): its id and its new generation. PoolError when every
 * local is taken.
 */
export function claimLocal(words: Int32Array, layout: Layout, phase: number, owner: number): Reservation {
  for (let id = 0; id < layout.maxLocals; id++) {
    const index = stateIndex(layout, id);
    const named = ownerIndex(layout, id);
    for (let state = Atomics.load(words, index); phaseOf(state) === FREE && Atomics.load(words, named) === 0; state = Atomics.load(words, index)) {
      const current = generationIn(words, layout, id, state);
      const generation = nextGeneration(current);
      const mine = ownerWord(owner, generation);
      // (1) Name the local before taking it: from this CAS on, whatever step this thread dies
      // at, the owner word names it, and reclaimThread(owner) finds the local. Another claimer
      // won the name first: the local is theirs.
      if (Atomics.compareExchange(words, named, 0, mine) !== 0) break;
      // (2) Only the thread whose name a free local's owner word holds takes its state or bumps
      // its epoch (every claimer wins the name first, and reclaims and detaches act on taken
      // locals only), so a state and epoch that still read `current` stay so until we take them.
      const now = Atomics.load(words, index);
      if (now === state && generationIn(words, layout, id, now) === current) {
        if (generationOf(state) === GENERATION_LIMIT - 1) Atomics.add(words, epochIndex(layout, id), 1);
        Atomics.store(words, index, stateWord(generation, phase));
        return { localId: id, generation };
      }
      // It moved between our load and our CAS (claimed and freed by others, or a reclaim that
      // had cleared the owner word has freed it since): give the name back and look again.
      Atomics.compareExchange(words, named, mine, 0);
    }
  }
  throw new PoolError(layout.name, `${phase === RESERVED ? 'reserve' : 'attach'}: all ${layout.maxLocals} locals are attached or reserved; ` +
    'create the pool with a larger maxLocals, detach() a thread that is done, or reclaim the local of a thread that exited ' +
    '(reclaimThread(threadId) also frees one that it died claiming)');
}

/**
 * attach()'s claim: the local of `reservation` (adoptLocal) or, without one, the first free one,
 * named by this thread's id where the runtime has one.
 */
export function attachLocal(words: Int32Array, layout: Layout, reservation: Reservation | undefined): Reservation {
  return reservation === undefined ? claimLocal(words, layout, ATTACHED, plainOwner()) : adoptLocal(words, layout, reservation);
}

/**
 * Turns the reservation into this thread's attachment: RESERVED(generation) to ATTACHED with
 * one CAS. TypeError/RangeError for a malformed reservation; PoolError, changing nothing, when
 * the local is not reserved at that generation (attached by another thread already, or reclaimed).
 */
export function adoptLocal(words: Int32Array, layout: Layout, reservation: unknown): Reservation {
  const max = layout.maxLocals - 1;
  const { localId, generation } = (typeof reservation === 'object' && reservation !== null ? reservation : {}) as Partial<Reservation>;
  if (!Number.isInteger(localId) || !Number.isInteger(generation)) {
    throw new TypeError(`${layout.name}.attach: the reservation must be { localId, generation } as reserve() returned it`);
  }
  if (localId! < 0 || localId! > max || generation! < 1 || generation! > GENERATION_MAX) {
    throw new RangeError(`${layout.name}.attach: the reservation { localId: ${localId}, generation: ${generation} } is out of range; ` +
      `locals run from 0 to ${max}: pass what reserve() returned`);
  }
  const reserved = stateWord(generation!, RESERVED);
  const index = stateIndex(layout, localId!);
  // The epoch cannot change while the local is reserved, so checking it before the CAS is exact.
  const seen = generationIn(words, layout, localId!, reserved) === generation
    ? Atomics.compareExchange(words, index, reserved, stateWord(generation!, ATTACHED)) : Atomics.load(words, index);
  if (seen !== reserved) {
    throw new PoolError(layout.name, `attach: local ${localId} is not reserved at generation ${generation} (it is ` +
      `${['free', 'attached', 'being reclaimed', 'reserved'][phaseOf(seen)]} at generation ${generationIn(words, layout, localId!, seen)}): a reservation ` +
      'attaches one thread once, and a reclaimed one is void; reserve() a new one');
  }
  return { localId: localId!, generation: generation! };
}

/** The generation of `localId` if it is attached now, else -1. */
export function attachedGeneration(words: Int32Array, layout: Layout, localId: number): number {
  const state = Atomics.load(words, stateIndex(layout, localId));
  return phaseOf(state) === ATTACHED ? generationIn(words, layout, localId, state) : -1;
}

/**
 * The locals, other than `self`, that are attached and announce a claim of tail counter
 * `counter` on ring `ring`: the threads that may still hand that slot back. Empty means that its
 * claimant is gone (see the file comment).
 */
export function claimHolders(words: Int32Array, layout: Layout, ring: number, counter: number, self: number): number[] {
  const announced = CLAIM_ACTIVE | (ring << 16) | counter;
  const holders: number[] = [];
  for (let id = 0; id < layout.maxLocals; id++) {
    if (id === self) continue;
    if (Atomics.load(words, recordWord(layout, id) + R_CLAIM) !== announced) continue;
    if (attachedGeneration(words, layout, id) >= 0) holders.push(id);
  }
  return holders;
}

/** "local 3 (generation 7)", the way a message names a thread's local so that it can be reclaimed. */
export function describeLocal(words: Int32Array, layout: Layout, localId: number): string {
  const generation = attachedGeneration(words, layout, localId);
  return generation < 0 ? `local ${localId}` : `local ${localId} (generation ${generation})`;
}

/**
 * Takes local `localId` at `generation` into RECLAIMING by `self`: from ATTACHED, or from
 * RECLAIMING by a reclaimer whose local is no longer attached (it died mid-way). Returns false,
 * changing nothing, when that generation was given back already (the local is free, or attached
 * at another generation: its thread detached or was reclaimed, and another may have attached
 * since). Throws PoolError, changing nothing, when an attached thread is reclaiming it now.
 */
export function beginReclaim(words: Int32Array, layout: Layout, localId: number, generation: number, self: number): boolean {
  const index = stateIndex(layout, localId);
  const mine = stateWord(generation, RECLAIMING, self);
  for (let state = Atomics.load(words, index); ;) {
    const phase = phaseOf(state);
    if (phase === FREE || generationIn(words, layout, localId, state) !== generation) return false;
    if (phase === RECLAIMING) {
      const reclaimer = reclaimerOf(state);
      if (reclaimer !== self && attachedGeneration(words, layout, reclaimer) >= 0) {
        throw new PoolError(layout.name, `reclaim: ${describeLocal(words, layout, reclaimer)} is reclaiming local ${localId} now; ` +
          `if its thread died, reclaim that local, which finishes local ${localId} too`);
      }
    }
    const seen = Atomics.compareExchange(words, index, state, mine);
    if (seen === state) return true;
    state = seen;
  }
}

/** The locals whose reclaim `reclaimer` started and did not finish (it died), with their generations. */
export function unfinishedReclaims(words: Int32Array, layout: Layout, reclaimer: number): [number, number][] {
  const found: [number, number][] = [];
  for (let id = 0; id < layout.maxLocals; id++) {
    const state = Atomics.load(words, stateIndex(layout, id));
    if (phaseOf(state) === RECLAIMING && reclaimerOf(state) === reclaimer) found.push([id, generationIn(words, layout, id, state)]);
  }
  return found;
}

/**
 * Gives back `localId`, attached at `generation` by the calling thread (detach).
 */
export function freeLocal(words: Int32Array, layout: Layout, localId: number, generation: number): void {
  const named = ownerIndex(layout, localId);
  const mine = Atomics.load(words, named); // ours: nobody else writes a taken local's owner word
  // (3) State first: a thread killed between the two leaves a free local whose owner word still
  // names it at this generation, which reclaimThread(owner) and reclaim(localId, generation)
  // clear; the other order would leave an attached local that names nobody. A CAS, not a store:
  // should a reclaim have cleared it already, a new claimer may hold it.
  Atomics.store(words, stateIndex(layout, localId), stateWord(generation, FREE));
  Atomics.compareExchange(words, named, mine, 0);
}

/** The end of a reclaim of `localId` at `generation`, which the calling thread holds RECLAIMING. */
export function endReclaim(words: Int32Array, layout: Layout, localId: number, generation: number): void {
  // (4) Owner word first, while the local is still RECLAIMING: killed between the two, the local
  // stays RECLAIMING by this thread, and reclaiming this thread finishes it. The other order
  // would leave a free local named by a dead owner, which no claimer takes. A claimer that won
  // the cleared name meanwhile finds the state moved and gives it back ((2)), so a store is safe.
  Atomics.store(words, ownerIndex(layout, localId), 0);
  Atomics.store(words, stateIndex(layout, localId), stateWord(generation, FREE));
}

/**
 * reclaim(localId, generation) of a local already free at that generation: if its thread died
 * between the two steps of its detach ((3)), the owner word still names it; clear it. A claim
 * in progress carries the next generation's tag, so it is never mistaken for that.
 */
export function clearDetached(words: Int32Array, layout: Layout, localId: number, generation: number): void {
  const named = ownerIndex(layout, localId);
  const word = Atomics.load(words, named);
  if (word === 0 || word !== ownerWord(ownerOf(word), generation)) return;
  const state = Atomics.load(words, stateIndex(layout, localId));
  if (state === stateWord(generation, FREE) && generationIn(words, layout, localId, state) === generation) {
    Atomics.compareExchange(words, named, word, 0);
  }
}

/**
 * For reclaimThread: clears the owner words that name `owner` on free locals (its thread died
 * inside a claim or a detach: (1), (3)) and returns the taken locals it names, with their
 * generations, to be reclaimed; `cleared` counts the others. Call only once that thread is dead.
 */
export function namedLocals(words: Int32Array, layout: Layout, owner: number): { taken: [number, number][]; cleared: number } {
  const taken: [number, number][] = [];
  let cleared = 0;
  for (let id = 0; id < layout.maxLocals; id++) {
    const named = ownerIndex(layout, id);
    const word = Atomics.load(words, named);
    if (word === 0 || ownerOf(word) !== owner) continue;
    const state = Atomics.load(words, stateIndex(layout, id));
    // Free with its name set: nobody else is in the middle of anything on it (a reclaim clears
    // the name before it frees), so the name is the dead thread's leftover.
    if (phaseOf(state) === FREE) {
      if (Atomics.compareExchange(words, named, word, 0) === word) cleared++;
    } else {
      taken.push([id, generationIn(words, layout, id, state)]);
    }
  }
  return { taken, cleared };
}
