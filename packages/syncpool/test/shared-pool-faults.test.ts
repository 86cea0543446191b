// A thread killed at any atomic step (issue 9), one finding per test, each death point tried:
// test/support/kill.ts makes an attachment die at its n-th Atomics call, before or after the
// call's effect, and never run again, as worker.terminate() leaves a thread. After each death the
// survivors go on, reclaim the dead local, and every block is accounted for: pooled once, held
// by a survivor, or lost with the dead thread (at most the one its interrupted call was moving).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MutexPool, PoolError, SharedPool } from '../src/index.js';
import { killAt } from './support/kill.js';
import { exited, firstMessage, startWorker } from './workers/spawn.js';

const waitLimitMs = 20;

/** Every death point of a call: [n, when] until the victim survives; `run` returns whether it died. */
function everyDeath(run: (n: number, when: 'before' | 'after') => boolean): number {
  let points = 0;
  for (let n = 1; ; n++) {
    for (const when of ['before', 'after'] as const) {
      points++;
      if (!run(n, when)) return points;
    }
  }
}

/** Blocks neither pooled, nor held by the survivors, nor never handed out. Fails on a duplicate or a stranded slot. */
function lostBlocks(pool: SharedPool | MutexPool, held: number[]): number {
  const census = pool.census();
  const seen = [...census.pooled, ...held];
  assert.equal(new Set(seen).size, seen.length, `a block is in two places: pooled ${census.pooled} held ${held}`);
  assert.equal(census.unreleased, 0, 'a ring slot (or the lock) is still claimed after the reclaims');
  return census.outstanding - held.length;
}

/**
 * Builds the state of the finding "the owner spins for ever in push()": the stealer S dies in
 * `dieIn` at death point (n, when) while stealing the oldest block of owner O's ring; then O
 * puts until its ring wraps onto the slot S claimed (R drains O's ring so that it can).
 * Returns the blocks O could not put (its put threw) and whether S died.
 */
function strandOwnersHead(n: number, when: 'before' | 'after') {
  const O = SharedPool.create({ blockSize: 64, blocks: 16, maxLocals: 3, waitLimitMs });
  const S = SharedPool.attach(O.buffer);
  const R = SharedPool.attach(O.buffer);
  const ids = Array.from({ length: 16 }, () => O.get());
  O.put(ids[0]!); // private
  O.put(ids[1]!); // ring counter 0: what S steals
  let stolen = -1;
  const kill = killAt(S, n, when, () => {
    stolen = S.get();
  });
  const held: number[] = [];
  for (const id of ids.slice(2)) O.put(id); // counters 1..14
  for (let i = 0; i < 14; i++) held.push(R.get()); // R steals from O's ring tail
  for (const id of held.splice(0)) R.put(id);
  for (let i = 0; i < 14; i++) held.push(O.get()); // O's private, then R's ring
  const refused: { id: number; error: PoolError; ms: number }[] = [];
  for (const id of held.splice(0)) {
    const start = performance.now();
    try {
      O.put(id); // wraps onto S's slot
    } catch (error) {
      assert.ok(error instanceof PoolError, String(error));
      refused.push({ id, error, ms: performance.now() - start });
    }
  }
  return { O, S, R, kill, refused, stolen };
}

test('SharedPool: a stealer killed at any step of its steal never makes the owner\'s put hang; reclaim gives the block back', () => {
  let stranded = 0;
  const points = everyDeath((n, when) => {
    const { O, S, R, kill, refused, stolen } = strandOwnersHead(n, when);
    for (const { error, ms } of refused) {
      assert.match(error.message, new RegExp(`local ${S.localId} \\(generation ${S.generation}\\)`), 'the put names the dead stealer');
      assert.ok(ms < waitLimitMs + 1000, `the put waited ${ms} ms`);
    }
    if (refused.length > 0) stranded++;
    if (kill.died) R.reclaim(S.localId, S.generation);
    for (const { id } of refused) O.put(id); // goes through now: the stranded block is taken back
    // S died holding nothing it had returned; it may have been moving one block.
    assert.ok(lostBlocks(R, kill.died ? [] : [stolen]) <= (kill.died ? 1 : 0), 'lost more than the block the dead stealer was moving');
    return kill.died;
  });
  assert.ok(stranded > 0, 'no death point stranded the owner\'s head slot: the test did not reach the finding');
  assert.ok(points >= 8);
});

test('SharedPool: an owner killed at any step of a put or a get leaves nothing stranded once reclaimed', () => {
  for (const op of ['put', 'get'] as const) {
    everyDeath((n, when) => {
      const O = SharedPool.create({ blockSize: 64, blocks: 8, maxLocals: 2, waitLimitMs });
      const R = SharedPool.attach(O.buffer);
      const ids = [O.get(), O.get(), O.get(), O.get()];
      O.put(ids[0]!); // private
      O.put(ids[1]!); // ring
      O.put(ids[2]!); // ring: a get pops it from the head, a put pushes on top of it
      let got = -1;
      const kill = killAt(O, n, when, () => {
        if (op === 'put') O.put(ids[3]!);
        else got = O.get();
      });
      if (kill.died) R.reclaim(O.localId, O.generation);
      // Alive, O holds ids[3] unless it put it, and what its get returned; dead, everything it
      // held may be lost, plus the block its call was moving.
      const heldBefore = op === 'get' ? [ids[3]!] : [];
      const held = kill.died ? [] : [...heldBefore, ...(op === 'get' ? [got] : [])];
      const lost = lostBlocks(R, held);
      assert.ok(kill.died ? lost <= heldBefore.length + 1 : lost === 0, `${op} died at ${n} ${when}: ${lost} lost`);
      return kill.died;
    });
  }
});

test('SharedPool: reclaim that cannot finish restores the local, and can be called again (the reclaim-throws finding)', () => {
  // The death point where S dies with its claim made and the slot not handed back.
  let done = false;
  everyDeath((n, when) => {
    if (done) return false;
    const { O, S, R, kill, refused } = strandOwnersHead(n, when);
    if (refused.length === 0) return kill.died;
    done = true;
    // O dies now, holding `refused` in its private slot and in hand; R reclaims it.
    O.put(refused[0]!.id === undefined ? -1 : O.get()); // fills O's private slot (it was emptied by get)
    const start = performance.now();
    assert.throws(() => R.reclaim(O.localId, O.generation), (e: unknown) => e instanceof PoolError &&
      new RegExp(`local ${S.localId} \\(generation ${S.generation}\\)`).test(e.message), 'reclaim names the stealer it waited for');
    assert.ok(performance.now() - start < waitLimitMs + 1000);
    assert.throws(() => R.reclaim(O.localId, O.generation), (e: unknown) => e instanceof PoolError && /waited/.test(e.message),
      'the local is attached again, not stuck half-reclaimed: a second reclaim meets the same wait');
    R.reclaim(S.localId, S.generation);
    R.reclaim(O.localId, O.generation);
    assert.equal(SharedPool.attach(O.buffer).localId, O.localId, 'the local is free again');
    assert.ok(lostBlocks(R, refused.slice(1).map((r) => r.id)) <= 1);
    return kill.died;
  });
  assert.ok(done, 'no death point stranded the head slot');
});

test('SharedPool and MutexPool: a reclaimer killed at any step is finished by whoever reclaims the reclaimer', () => {
  for (const Pool of [SharedPool, MutexPool]) {
    everyDeath((n, when) => {
      const O = Pool.create({ blockSize: 64, blocks: 8, maxLocals: 3, waitLimitMs });
      const R1 = Pool.attach(O.buffer);
      const R2 = Pool.attach(O.buffer);
      for (const id of [O.get(), O.get(), O.get()]) O.put(id);
      (O as unknown as { lock?: (m: string) => void }).lock?.('get'); // MutexPool: O dies holding the lock
      const kill = killAt(R1, n, when, () => R1.reclaim(O.localId, O.generation));
      const reclaimO = () => {
        try {
          R2.reclaim(O.localId, O.generation); // reclaimed: false if R1 finished (O is free)
        } catch (error) {
          // R1 got far enough to start: O is being reclaimed by it.
          assert.ok(error instanceof PoolError && /is reclaiming local/.test(error.message), String(error));
        }
      };
      if (kill.died) {
        reclaimO(); // while R1's local is still attached: refused if R1 had started
        R2.reclaim(R1.localId, R1.generation); // finishes what R1 started
      }
      reclaimO(); // succeeds only if R1 died before it changed anything
      assert.equal(R2.reclaim(O.localId, O.generation).reclaimed, false, 'O\'s local is free: reclaimed exactly once');
      const fresh = Pool.attach(O.buffer);
      assert.ok(fresh.localId === O.localId || fresh.localId === R1.localId, 'a reclaimed local is free');
      assert.ok(lostBlocks(R2, []) <= (kill.died ? 1 : 0), `${Pool.name}: reclaimer died at ${n} ${when}`);
      assert.notEqual(R2.get(), -1, 'and the pool works: no lock left held');
      return kill.died;
    });
  }
});

test('MutexPool: a thread killed at any step of get or put never leaves the lock held once reclaimed (the unlock-at-sub finding)', () => {
  for (const op of ['get', 'put'] as const) {
    everyDeath((n, when) => {
      const A = MutexPool.create({ blockSize: 64, blocks: 4, maxLocals: 2, waitLimitMs });
      const B = MutexPool.attach(A.buffer);
      const id = A.get();
      A.put(A.get());
      const kill = killAt(A, n, when, () => (op === 'get' ? A.get() : A.put(id)));
      if (kill.died) B.reclaim(A.localId, A.generation);
      assert.equal(B.census().unreleased, 0, `${op} died at ${n} ${when}: the lock is still held after reclaim`);
      const start = performance.now();
      const got = B.get();
      assert.ok(got >= 0 && performance.now() - start < 1000, 'B gets a block without waiting');
      return kill.died;
    });
  }
});

test('MutexPool: a waiter in another thread wakes although the unlock died before its notify', { timeout: 30_000 }, async () => {
  const pool = MutexPool.create({ blockSize: 64, blocks: 4, maxLocals: 3, lockSpin: 0 });
  const id = pool.get();
  pool.put(id);
  const lock = pool as unknown as { lock(m: string): void; unlock(): void };
  lock.lock('get');
  const worker = startWorker('mutex-get', pool.buffer);
  const got = firstMessage<number>(worker);
  const exit = exited(worker);
  while (pool.stats().waits === 0) {
    // The worker is on its way to sleep on the lock word.
  }
  // Let it fall asleep (it sets the contended bit before it sleeps), then unlock and die before the notify.
  const words = new Int32Array(pool.buffer);
  const lockIndex = (pool as unknown as { lockWord: number }).lockWord;
  while ((Atomics.load(words, lockIndex) & (1 << 30)) === 0) {
    // Waiting for the contended bit.
  }
  const kill = killAt(pool, 'notify', 'before', () => lock.unlock());
  assert.ok(kill.died, 'the unlock reached its notify');
  const start = performance.now();
  assert.equal(await got, id, 'the sleeper woke without a notify and took the block');
  assert.ok(performance.now() - start < 5_000);
  assert.equal(await exit, 0);
});
