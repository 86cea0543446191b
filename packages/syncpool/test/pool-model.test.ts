// Model-based property test: Pool against a reference model written the obvious way, over random
// sequences of get, put (including null and undefined) and cleanup.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import fc from 'fast-check';
import { Pool, poolCleanup, setCleanupMode } from '../src/index.js';

before(() => setCleanupMode('manual'));

interface Item {
  readonly id: number;
}

/** Go's semantics for one P, with arrays and no cleverness. */
class ModelPool {
  private = undefined as Item | undefined;
  stack: Item[] = [];
  victimPrivate = undefined as Item | undefined;
  victim: Item[] = []; // oldest first
  made = 0;

  constructor(readonly hasNew: boolean) {}

  get(): Item | 'new' | undefined {
    if (this.private !== undefined) {
      const x = this.private;
      this.private = undefined;
      return x;
    }
    if (this.stack.length > 0) return this.stack.pop();
    if (this.victimPrivate !== undefined) {
      const x = this.victimPrivate;
      this.victimPrivate = undefined;
      return x;
    }
    if (this.victim.length > 0) return this.victim.shift();
    return this.hasNew ? 'new' : undefined;
  }

  put(x: Item | null | undefined): void {
    if (x === null || x === undefined) return;
    if (this.private === undefined) this.private = x;
    else this.stack.push(x);
  }

  cleanup(): void {
    this.victimPrivate = this.private;
    this.victim = this.stack;
    this.private = undefined;
    this.stack = [];
  }

  sizes(): [number, number] {
    return [
      (this.private ? 1 : 0) + this.stack.length,
      (this.victimPrivate ? 1 : 0) + this.victim.length,
    ];
  }
}

type Op = { kind: 'get' } | { kind: 'put'; item: 'fresh' | 'held' | 'null' | 'undefined' } | { kind: 'cleanup' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ kind: 'get' } as const) },
  {
    weight: 5,
    arbitrary: fc.constantFrom('fresh', 'held', 'null', 'undefined').map((item) => ({ kind: 'put', item }) as const),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'cleanup' } as const) },
);

test('Pool behaves like the reference model', () => {
  fc.assert(
    fc.property(fc.boolean(), fc.array(op, { maxLength: 200 }), (hasNew, ops) => {
      let nextId = 0;
      const newItems = new Set<Item>();
      const pool = hasNew
        ? new Pool<Item>({ new: () => { const x = { id: --nextId }; newItems.add(x); return x; } })
        : new Pool<Item>();
      const model = new ModelPool(hasNew);
      const held: Item[] = []; // items handed out by get and not yet put back
      for (const o of ops) {
        if (o.kind === 'get') {
          const got = pool.get();
          const expected = model.get();
          if (expected === 'new') assert.ok(got !== undefined && newItems.has(got), 'a miss calls new');
          else assert.equal(got, expected);
          if (got !== undefined) held.push(got);
        } else if (o.kind === 'put') {
          let x: Item | null | undefined;
          if (o.item === 'fresh') x = { id: ++nextId };
          else if (o.item === 'held') x = held.pop();
          else x = o.item === 'null' ? null : undefined;
          pool.put(x);
          model.put(x);
        } else {
          poolCleanup();
          model.cleanup();
        }
        const s = pool.stats();
        assert.deepEqual([s.primarySize, s.victimSize], model.sizes());
      }
      const s = pool.stats();
      assert.equal(s.gets, ops.filter((o) => o.kind === 'get').length);
    }),
    { numRuns: 300 },
  );
});
