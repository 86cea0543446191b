// A local's life cycle (Go's P, here claimed by a thread) and the words other threads read to
// tell a live thread from a dead one: the state word and the claim word of each record.
//
// State word (R_STATE), changed only with Atomics:
//
//   bits 12..31  the generation's low 20 bits: 1 to 2^20 - 1, bumped by every attach or reserve
//                (0: never attached, or a wrap in progress)
//
// A generation is epoch * 2^20 + those bits, with the epoch in the local's word at epochsAt. When
// the bits would wrap, the claimer takes the local at low bits 0 (a value no reclaim matches),
// bumps the epoch, then stores low bits 1: so generations only grow (to 2^51 and beyond), and a
// stale (localId, generation) can never become valid again. The epoch changes only inside that
// window, never while the local is attached, reserved or being reclaimed.
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
// A reservation is how a parent recovers a worker that it cannot hear from: reserve() takes a
// local for the worker before the worker starts, in the parent's own thread, and the worker's
// attach(buffer, reservation) turns RESERVED into ATTACHED with one CAS. Whether the worker dies
// before that CAS (still RESERVED), after it, or before it posts anything, the parent already
// holds (localId, generation) and reclaim() gives the local back. A plain attach() cannot offer
// that: a thread killed between its claiming CAS and its return holds a local nobody can name.
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
 * Claims the first free local into `phase` (ATTACHED for attach, RESERVED for reserve): its id
 * and its new generation. PoolError when every local is taken.
 */
export function claimLocal(words: Int32Array, layout: Layout, phase = ATTACHED): Reservation {
  for (let id = 0; id < layout.maxLocals; id++) {
    const index = stateIndex(layout, id);
    for (let state = Atomics.load(words, index); phaseOf(state) === FREE;) {
      const wraps = generationOf(state) + 1 === GENERATION_LIMIT;
      const seen = Atomics.compareExchange(words, index, state, stateWord(wraps ? 0 : generationOf(state) + 1, phase));
      if (seen === state) {
        if (wraps) {
          Atomics.add(words, epochIndex(layout, id), 1);
          Atomics.store(words, index, stateWord(1, phase));
        }
        return { localId: id, generation: generationIn(words, layout, id, Atomics.load(words, index)) };
      }
      state = seen;
    }
  }
  throw new PoolError(layout.name, `${phase === RESERVED ? 'reserve' : 'attach'}: all ${layout.maxLocals} locals are attached or reserved; ` +
    'create the pool with a larger maxLocals, detach() a thread that is done, or reclaim() the local of a thread that exited');
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
