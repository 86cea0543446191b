// Issue 9's exhaustive check: the real SharedPool (and the PoolDequeue rings under it) and
// MutexPool, driven step by step by test/model/checker.ts over every interleaving of three
// threads, each of which may be killed at any step, with a reclaimer running after the death.
// The same checker, run on the old step order (test/model/old-protocol.ts), finds the hangs that
// issue 9 reports. Issue 19's cases: a worker killed at any step of attach(buffer, reservation)
// or before it could post anything, recovered by the parent's reclaim of the reservation; one
// killed at any step of a plain attach (or of its get, put, detach), recovered by the parent's
// reclaimThread(threadId) alone; and a reclaim racing a re-attach of the same local. In their
// final states every local must be attached exactly by a live thread, at its generation, with
// its owner word naming that thread, and free with an owner word of 0 otherwise. Each test prints the
// states it explored.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { MutexPool } from '../src/mutex-pool.js';
import {
  H_BUMP, H_RESCUE, H_WAITERS, H_WAKE, KIND_MUTEX, KIND_SHARED, M_STACK, M_TOP, R_HEAD_TAIL, R_PRIVATE, R_PUTS, R_WAITS, computeLayout, type Layout, type PoolKind,
} from '../src/shared-layout.js';
import { PoolError } from '../src/errors.js';
import {
  ATTACHED, FREE, GENERATION_LIMIT, OWNER_UNNAMED, adoptLocal, claimLocal, generationOf, ownerIndex, ownerWord, phaseOf, recordWord, stateIndex, stateWord, type Reservation,
} from '../src/shared-local.js';
import { SharedPool } from '../src/shared-pool.js';
import { explore, modelWords, runFree, withModel, type Model, type Op, type Result, type Subject } from './model/checker.js';
import { OLD_ATTACHED, OldMutexPool, OldSharedPool } from './model/old-protocol.js';

interface Scenario {
  kind: PoolKind;
  /** 'keeps-name': today's SharedPool with the gallery's detach (keepNameOnDetach). */
  protocol: 'new' | 'old' | 'keeps-name';
  blocks: number;
  /** Slots per ring (SharedPool), if fewer than the arena's blocks: as small as 2, so that rings wrap within a few puts. */
  ring?: number;
  lockSpin?: number;
  /**
   * `local`: its local (default: its index). `attach`: it starts detached and its script starts
   * with attach: by the reservation that the setup takes for it, or plainly (the first free
   * local), named by its thread id (index + 1) as in Node, or unnamed as where threads have no
   * id, or by the gallery's claim that names the local only after taking it (claimOwnerLast);
   * either way it expects generation 2 of its local, whose state word starts free at 1. A thread
   * that starts attached is named by its thread id at generation 1.
   */
  threads: { script: Op[]; mortal: boolean; local?: number; attach?: 'reserved' | 'plain' | 'unnamed' | 'owner-last' }[];
  /** Run before exploring, by the threads in turn: what each thread does to reach the start state. */
  setup: (subjects: Subject[]) => number[][];
  maxDeaths: number;
  /**
   * The generation at which the locals of the attaching threads start free (default 1); their
   * attach then takes the next one, which skips the multiples of 2^20 (2^20 - 1: the epoch's bump).
   */
  freeAt?: number;
  /** Some dead thread may have nobody left to reclaim it: do not check the final states' locals (Model.locals). */
  unreclaimed?: true;
}

const get: Op = { op: 'get' };
const put: Op = { op: 'put' };
const attach: Op = { op: 'attach' };
const detach: Op = { op: 'detach' };
const reclaim = (target: number, generation?: number): Op => (generation === undefined ? { op: 'reclaim', target } : { op: 'reclaim', target, generation });
const reclaimThread = (target: number): Op => ({ op: 'reclaimThread', target });
/** The model's thread ids: thread n is named n + 1 (the checker's own thread, id 0, is none of them). */
const threadIdOf = (n: number) => n + 1;

/** The gallery's detach, installed on `subject`: it frees the state word and forgets to clear the owner word. */
function keepNameOnDetach(subject: Subject): Subject {
  const pool = subject as unknown as { release(localId: number): void; attached: boolean; words: Int32Array; layout: Layout; localId: number; generation: number };
  return Object.assign(subject, {
    detach() {
      pool.release(pool.localId);
      pool.attached = false;
      Atomics.store(pool.words, stateIndex(pool.layout, pool.localId), stateWord(pool.generation, FREE));
    },
  });
}

/**
 * The gallery's claim: attach's claim with its two steps the other way round, taking the state
 * word first and naming the local after. A thread killed between the two holds a local whose
 * owner word names nobody, so reclaimThread cannot find it: the checker must see it leak.
 */
function claimOwnerLast(words: Int32Array, layout: Layout, owner: number): Reservation {
  for (let id = 0; id < layout.maxLocals; id++) {
    const index = stateIndex(layout, id);
    const state = Atomics.load(words, index);
    const generation = generationOf(state) + 1;
    if (phaseOf(state) === FREE && Atomics.compareExchange(words, index, state, stateWord(generation, ATTACHED)) === state) {
      Atomics.store(words, ownerIndex(layout, id), ownerWord(owner, generation));
      return { localId: id, generation };
    }
  }
  throw new PoolError(layout.name, 'attach: all locals are attached or reserved');
}

function build(s: Scenario): Model {
  const localOf = s.threads.map((t, n) => t.local ?? n);
  const freeAt = s.freeAt ?? 1;
  const attachedAt = (freeAt + 1) % GENERATION_LIMIT === 0 ? freeAt + 2 : freeAt + 1;
  const maxLocals = Math.max(...localOf) + 1;
  const sized = computeLayout(s.kind, {
    blockSize: 64, blocks: s.blocks, maxLocals, pad: 0, debug: false, lockSpin: s.lockSpin ?? 0, waitLimitMs: 1000,
  }, 2);
  // A ring smaller than the arena, as real rings never are, wraps around within a few puts.
  const layout: Layout = s.ring === undefined ? sized : { ...sized, ringCapacity: s.ring };
  const memory = new Int32Array(layout.arenaAt >>> 2);
  const words = modelWords(memory.length);
  const buffer = new SharedArrayBuffer(64);
  type Construct = new (...args: unknown[]) => Subject;
  for (const [n, t] of s.threads.entries()) {
    const index = stateIndex(layout, localOf[n]!);
    if (t.attach !== undefined) {
      memory[index] ||= stateWord(freeAt, FREE);
    } else if (s.protocol !== 'old') {
      memory[index] = stateWord(1, ATTACHED);
      memory[ownerIndex(layout, localOf[n]!)] = ownerWord(threadIdOf(n) + 1, 1);
    } else {
      memory[index] = OLD_ATTACHED;
    }
  }
  const subjects = s.threads.map((t, n) => {
    const localId = localOf[n]!;
    if (s.protocol === 'old') return s.kind === KIND_SHARED ? new OldSharedPool(words, layout, localId) : new OldMutexPool(words, layout, localId);
    const Class = (s.kind === KIND_SHARED ? SharedPool : MutexPool) as unknown as Construct;
    const subject = new Class(buffer, layout, words, localId, t.attach === undefined ? 1 : attachedAt);
    return s.protocol === 'keeps-name' ? keepNameOnDetach(subject) : subject;
  });
  // attach(buffer[, reservation]) reads the header (constant words) and builds the attachment
  // without touching shared memory; its shared-memory part is claimLocal or adoptLocal.
  const attachOf = (t: Scenario['threads'][number], n: number) => {
    switch (t.attach) {
      case 'plain': return () => claimLocal(words, layout, ATTACHED, threadIdOf(n) + 1);
      case 'unnamed': return () => claimLocal(words, layout, ATTACHED, OWNER_UNNAMED);
      case 'owner-last': return () => claimOwnerLast(words, layout, threadIdOf(n) + 1);
      case 'reserved': return () => adoptLocal(words, layout, { localId: localOf[n]!, generation: 2 });
      case undefined: return undefined;
    }
  };
  let holds: number[][] = [];
  withModel(words, () => runFree(memory, () => {
    holds = s.setup(subjects);
  }));
  const ownWords = new Set<number>();
  const ignoredWords = new Set<number>();
  for (let id = 0; id < maxLocals; id++) {
    const record = recordWord(layout, id);
    ownWords.add(record + R_PRIVATE);
    for (let c = R_PUTS; c <= R_WAITS; c++) {
      ownWords.add(record + c);
      ignoredWords.add(record + c);
    }
  }
  // Constant words: the header (but for the bump, rescue and waiting words) and debug mode's words
  // (debug is off). A step whose only access is to an ignored word would look like no step at all.
  const live = new Set([H_BUMP, H_RESCUE, H_WAITERS, H_WAKE]);
  for (let i = 0; i < layout.recordsAt >>> 2; i++) if (!live.has(i)) ignoredWords.add(i);
  for (let i = layout.statesAt >>> 2; i < memory.length; i++) ignoredWords.add(i);
  const region = layout.regionAt >>> 2;
  if (s.kind === KIND_MUTEX) for (let i = region + M_TOP; i < region + M_STACK + s.blocks; i++) if (i !== region) ownWords.add(i);
  const rings = (mem: Int32Array, each: (value: number, inRing: boolean) => void) => {
    for (let id = 0; id < maxLocals; id++) {
      const ptrs = mem[recordWord(layout, id) + R_HEAD_TAIL]!;
      const head = ptrs >>> 16;
      const tail = ptrs & 0xffff;
      const slots = region + id * layout.ringCapacity;
      for (let k = 0; k < layout.ringCapacity; k++) {
        const counter = (tail + k) & 0xffff;
        const word = mem[slots + (counter & (layout.ringCapacity - 1))]!;
        const inRing = k < ((head - tail) & 0xffff);
        if (inRing || word !== 0) each(word - 1, inRing);
      }
    }
  };
  return {
    memory, blocks: s.blocks, ownWords, ignoredWords, smallRings: layout.ringCapacity < s.blocks,
    threads: s.threads.map((t, n) => ({
      script: t.script, mortal: t.mortal, subject: subjects[n]!, holds: holds[n] ?? [], attach: attachOf(t, n), threadId: threadIdOf(n),
    })),
    ...(s.protocol !== 'old' && s.unreclaimed === undefined ? {
      // Each local's owner word too: a live attachment's names its claimer (its thread id, or
      // unnamed if it attached unnamed or by a reservation) at its generation; a free local's is 0.
      locals(mem: Int32Array, attached: { thread: number; localId: number; generation: number }[]) {
        for (let id = 0; id < maxLocals; id++) {
          const state = mem[stateIndex(layout, id)]!;
          const owner = mem[ownerIndex(layout, id)]!;
          const holder = attached.find((a) => a.localId === id);
          const named = `local ${id} is ${['free', 'attached', 'being reclaimed', 'reserved'][phaseOf(state)]} at generation ${generationOf(state)}`;
          if (holder !== undefined) {
            if (state !== stateWord(holder.generation, ATTACHED)) return `${named}, but a live thread holds its attachment at generation ${holder.generation}`;
            const how = s.threads[holder.thread]!.attach;
            const expected = ownerWord(how === 'unnamed' || how === 'reserved' ? OWNER_UNNAMED : threadIdOf(holder.thread) + 1, holder.generation);
            if (owner !== expected) return `${named} by T${holder.thread}, but its owner word is ${owner}, not ${expected}`;
          } else if (phaseOf(state) !== FREE) {
            return `${named} with no live thread attached: leaked`;
          } else if (owner !== 0) {
            return `${named} but its owner word (${owner}) still names a claimer, so no attach takes it: leaked`;
          }
        }
        return undefined;
      },
    } : {}),
    pooled(mem) {
      const out: number[] = [];
      if (s.kind === KIND_MUTEX) {
        for (let i = 0; i < mem[region + M_TOP]!; i++) out.push(mem[region + M_STACK + i]!);
        return out;
      }
      for (let id = 0; id < maxLocals; id++) {
        const held = mem[recordWord(layout, id) + R_PRIVATE]!;
        if (held !== 0) out.push(held - 1);
      }
      rings(mem, (value, inRing) => inRing && out.push(value));
      return out;
    },
    stranded(mem) {
      const out: number[] = [];
      if (s.kind === KIND_SHARED) rings(mem, (value, inRing) => !inRing && out.push(value));
      return out;
    },
  };
}

function check(t: TestContext, name: string, s: Scenario): Result {
  const start = performance.now();
  const result = explore(build(s), { maxDeaths: s.maxDeaths, maxStates: 3_000_000 });
  t.diagnostic(`${name}: ${result.states} states, ${result.transitions} transitions, ${result.finals} final states, ` +
    `up to ${result.deaths} death(s), at most ${result.maxLost} block(s) lost, ${Math.round(performance.now() - start)} ms` +
    (result.violation === undefined ? '' : `; found: ${result.violation.split('\n')[0]}`));
  return result;
}

// The owner (T0) puts until its ring of 2 slots wraps onto the slot that T1 steals: the issue's
// "owner spins for ever in push()" when T1 dies between its claim and its release.
const stealerDiesAtWrap = (protocol: 'new' | 'old'): Scenario => ({
  kind: KIND_SHARED, protocol, blocks: 4, ring: 2, maxDeaths: 1,
  threads: [
    { script: [put, put, get], mortal: false },
    { script: [get, put], mortal: true },
    { script: [reclaim(1), get], mortal: false },
  ],
  setup: ([owner]) => {
    const ids = [owner!.get(), owner!.get(), owner!.get(), owner!.get()];
    owner!.put(ids[0]!); // private
    owner!.put(ids[1]!); // ring counter 0: what T1 steals
    return [[ids[3]!, ids[2]!]];
  },
});

test('model: SharedPool, a stealer killed at any step while its victim\'s ring wraps: no hang, no duplicate, loss bounded', (t) => {
  const result = check(t, 'stealer dies at wrap', stealerDiesAtWrap('new'));
  assert.equal(result.violation, undefined, result.violation);
  assert.ok(result.states > 1000 && result.deaths === 1);
});

test('model: SharedPool, the owner killed at any step of put and get, reclaimed while a stealer runs', (t) => {
  const result = check(t, 'owner dies', {
    kind: KIND_SHARED, protocol: 'new', blocks: 3, ring: 4, maxDeaths: 1,
    threads: [
      { script: [put, get, get], mortal: true },
      { script: [get, put], mortal: false },
      { script: [reclaim(0), get, get], mortal: false },
    ],
    setup: ([owner]) => {
      const ids = [owner!.get(), owner!.get(), owner!.get()];
      owner!.put(ids[0]!);
      owner!.put(ids[1]!);
      return [[ids[2]!]];
    },
  });
  assert.equal(result.violation, undefined, result.violation);
  assert.ok(result.states > 1000);
});

test('model: SharedPool, a reclaimer killed at any step is finished by the reclaim of the reclaimer', (t) => {
  const result = check(t, 'reclaimer dies', {
    kind: KIND_SHARED, protocol: 'new', blocks: 2, ring: 2, maxDeaths: 2, unreclaimed: true, // T1 may die before it reclaims T0
    threads: [
      { script: [put], mortal: true },
      { script: [reclaim(0)], mortal: true },
      { script: [reclaim(1), get, get], mortal: false },
    ],
    setup: ([owner]) => {
      const ids = [owner!.get(), owner!.get()];
      owner!.put(ids[0]!);
      return [[ids[1]!]];
    },
  });
  assert.equal(result.violation, undefined, result.violation);
  assert.equal(result.deaths, 2);
});

const mutexScenario = (protocol: 'new' | 'old', lockSpin: number): Scenario => ({
  kind: KIND_MUTEX, protocol, blocks: 2, lockSpin, maxDeaths: 1,
  threads: [
    { script: [put, get], mortal: true },
    { script: [get], mortal: false },
    { script: [reclaim(0), get], mortal: false },
  ],
  setup: ([a]) => [[a!.get()]],
});

test('model: MutexPool, a thread killed at any step of get or put, park-only and spinning locks', (t) => {
  for (const lockSpin of [0, 1]) {
    const result = check(t, `MutexPool lockSpin ${lockSpin}`, mutexScenario('new', lockSpin));
    assert.equal(result.violation, undefined, result.violation);
    assert.ok(result.states > 1000);
  }
});

test('model: the old step order hangs: the owner spins for ever on the slot of a stealer that died after its claim', (t) => {
  const result = check(t, 'old SharedPool', stealerDiesAtWrap('old'));
  assert.match(result.violation ?? '', /^hang/, 'the checker must find the hang in the old protocol');
  assert.match(result.violation ?? '', /T1 dies/, 'after T1 died');
});

test('model: the old step order hangs: MutexPool stays locked after its holder died in unlock', (t) => {
  const result = check(t, 'old MutexPool', mutexScenario('old', 0));
  assert.match(result.violation ?? '', /^hang/, 'the checker must find the hang in the old protocol');
  assert.match(result.violation ?? '', /T0 dies/);
});

// Issue 19: recovery with only what the parent holds. T0 reserves local 1 for a worker (T1)
// before it starts; T1 attaches by that reservation, takes a block, puts it (into its private
// slot) and exits without detaching. It may die at any step, inside attach (before or after the
// adopting CAS) or right after it, before it could have posted anything; the parent's
// reclaim(reservation) on its exit must recover the local and its block every time.
// Or T1 attaches plainly, named by its thread id, and also detaches, and the parent holds only
// that id: reclaimThread(T1) must recover the local whatever step of attach, get, put or detach
// T1 died at. The gallery: the same with the owner word written after the state (claimOwnerLast),
// and a plain attach that names nobody (no thread ids, as in a browser): the worker's local must
// be found leaked.
type AttachKind = 'reserved' | 'plain' | 'unnamed' | 'owner-last';
const killedInsideAttach = (kind: PoolKind, how: AttachKind = 'reserved', freeAt?: number): Scenario => ({
  kind, protocol: 'new', freeAt, blocks: 2, ring: kind === KIND_SHARED ? 2 : undefined, maxDeaths: 1,
  threads: [
    { script: [how === 'reserved' ? reclaim(1) : reclaimThread(1), get, get], mortal: false },
    { script: how === 'plain' ? [attach, get, put, detach] : [attach, get, put], mortal: true, attach: how },
  ],
  setup: ([parent]) => {
    if (how === 'reserved') assert.deepEqual(parent!.reserve!(), { localId: 1, generation: 2 });
    const id = parent!.get();
    parent!.put(id); // pooled in the parent's private slot: the worker steals it (SharedPool)
    return [];
  },
});

for (const kind of [KIND_SHARED, KIND_MUTEX] as const) {
  const name = kind === KIND_SHARED ? 'SharedPool' : 'MutexPool';
  test(`model: ${name}, a worker killed at any step of attach(buffer, reservation) or before it posts: the parent's reclaim of the reservation recovers the local`, (t) => {
    const result = check(t, `${name} killed inside attach`, killedInsideAttach(kind));
    assert.equal(result.violation, undefined, result.violation);
    assert.ok(result.states > 50 && result.deaths === 1);
  });

  test(`model: ${name}, a worker killed at any step of plain attach(buffer), get, put or detach: the parent's reclaimThread(threadId) recovers the local`, (t) => {
    const result = check(t, `${name} killed inside plain attach`, killedInsideAttach(kind, 'plain'));
    assert.equal(result.violation, undefined, result.violation);
    assert.ok(result.states > 50 && result.deaths === 1);
  });

  test(`model: ${name}, killed at any step of a plain attach that bumps the generation's epoch (2^20 - 1 to 2^20 + 1): recovered by reclaimThread`, (t) => {
    const result = check(t, `${name} killed inside plain attach at the epoch bump`, killedInsideAttach(kind, 'plain', GENERATION_LIMIT - 1));
    assert.equal(result.violation, undefined, result.violation);
    assert.ok(result.states > 50 && result.deaths === 1);
  });
}

test('model: the checker catches a claim that names the local only after taking it: killed between, its local is leaked', (t) => {
  const result = check(t, 'owner word written last', killedInsideAttach(KIND_SHARED, 'owner-last'));
  assert.match(result.violation ?? '', /^local 1 is attached at generation 2 with no live thread attached: leaked/);
});

test('model: the checker catches a detach that leaves the owner word set: no attach takes that local again', (t) => {
  const result = check(t, 'detach keeps the name', {
    kind: KIND_SHARED, protocol: 'keeps-name', blocks: 1, maxDeaths: 0,
    threads: [{ script: [get], mortal: false }, { script: [get, put, detach], mortal: false }],
    setup: () => [],
  });
  assert.match(result.violation ?? '', /^local 1 is free at generation 1 but its owner word \(\d+\) still names a claimer/);
});

test('model: the checker catches the local of a worker that attached plainly without a thread id and died: nobody can name it', (t) => {
  const result = check(t, 'plain attach, no thread id', killedInsideAttach(KIND_SHARED, 'unnamed'));
  assert.match(result.violation ?? '', /^local 1 is (attached|free) at generation \d[^\n]*leaked/);
});

// Reclaim racing a re-attach: T1 (local 1, generation 1) puts a block and detaches, and may die
// at any step; T2 attaches plainly, which can only take local 1 (at generation 2) once it is
// free, puts and gets; the parent T0 reclaims T1 on its exit, by generation 1 (the 'exit'
// handler runs whether T1 detached or not). A reclaim that finds local 1 re-attached is stale
// and must change nothing: T2 keeps its local and its blocks. Or the parent reclaims T1 by its
// thread id, racing T2's claim of local 1, which names T2 before it takes the state.
const reclaimRacesReattach = (kind: PoolKind, staleGeneration?: number, byThread = false): Scenario => ({
  kind, protocol: 'new', blocks: 3, ring: kind === KIND_SHARED ? 2 : undefined, maxDeaths: staleGeneration === undefined ? 1 : 0,
  threads: [
    { script: [byThread ? reclaimThread(1) : reclaim(1, staleGeneration), get], mortal: false },
    { script: [put, detach], mortal: true },
    { script: [attach, put, get], mortal: false, local: 1, attach: 'plain' },
  ],
  setup: ([parent]) => {
    const ids = [parent!.get(), parent!.get(), parent!.get()];
    parent!.put(ids[0]!);
    return [[], [ids[1]!], [ids[2]!]];
  },
});

for (const kind of [KIND_SHARED, KIND_MUTEX] as const) {
  const name = kind === KIND_SHARED ? 'SharedPool' : 'MutexPool';
  test(`model: ${name}, a reclaim racing a re-attach of the same local never takes the live attachment`, (t) => {
    const result = check(t, `${name} reclaim races re-attach`, reclaimRacesReattach(kind));
    assert.equal(result.violation, undefined, result.violation);
    assert.ok(result.states > 200 && result.deaths === 1);
  });

  test(`model: ${name}, a reclaimThread racing a plain re-attach of the same local never takes the live attachment`, (t) => {
    const result = check(t, `${name} reclaimThread races re-attach`, reclaimRacesReattach(kind, undefined, true));
    assert.equal(result.violation, undefined, result.violation);
    assert.ok(result.states > 200 && result.deaths === 1);
  });
}

// The checker's gallery for the two cases above: the race with a stale id that is valid again
// (generation 2, as a wrapped generation would be: issue 19's 2^20 row) must be caught.
test('model: the checker catches a stale reclaim whose generation matches the re-attached local', (t) => {
  const result = check(t, 'stale id valid again', reclaimRacesReattach(KIND_SHARED, 2));
  assert.match(result.violation ?? '', /local 1 is (free|being reclaimed)[^\n]*but a live thread holds its attachment at generation 2/);
});
