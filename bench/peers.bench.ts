// Pool against the JavaScript pools people use instead, in the loop shapes code uses them in,
// with plain allocation as the baseline. Run (and tabulate):
//   npm run bench:peers
//
// Benchmarks are named Group/Shape/Contender, so that `syncpool-bench summary` puts each shape
// in a column and ranks the contenders within it. Every sub-benchmark runs in processes of its
// own, so no contender's code, type feedback or heap shapes what another measures.
//
// Each contender makes its pool inside the timed function, after the harness's GC, so every
// pool and its items are equally young. (ObjectPoolFactory.build would return pixi's one pool
// per class, made by an earlier run and promoted to the old generation since: a store into it
// then pays the generational write barrier's check, the other pools' stores do not.)
//
// Each shape writes each contender's loop out with direct calls: a loop shared through
// functions would measure the calls too, which is what the Closure shape does on purpose.
import { createRequire } from 'node:module';
import { ObjectPool } from '@pixi-essentials/object-pool';
import { createPool } from 'generic-pool';
import reusify from 'reusify';
import { bench, sink, type B } from 'syncpool-bench';
import { BytesPool, Pool, setCleanupMode } from 'syncpool';

// Only the cleanups a benchmark asks for (none here): see pool.bench.ts.
setCleanupMode('manual');

// typedarray-pool is CommonJS without types.
const typedArrayPool = createRequire(import.meta.url)('typedarray-pool') as {
  mallocUint8(n: number): Uint8Array;
  freeUint8(buf: Uint8Array): void;
};

/** A small object; `next` is the link reusify requires of pooled objects. */
class Item {
  next: Item | null = null;
  value = 0;
}

/** pixi's pool for Item, as ObjectPoolFactory.build(Item) makes it, but a new one per run. */
class PixiItemPool extends ObjectPool<Item> {
  create(): Item {
    return new Item();
  }
}

const newPool = (): Pool<Item, Item> => new Pool({ new: () => new Item() });

/** get and put as a generic caller holds them: two functions it calls without knowing the pool. */
interface Lender { acquire: () => Item; release: (x: Item) => void }

const lenders: Record<string, () => Lender> = {
  Alloc: () => ({ acquire: () => new Item(), release: () => {} }),
  Pool: () => {
    const p = newPool();
    return { acquire: () => p.get(), release: (x) => p.put(x) };
  },
  'pixi-object-pool': () => {
    const p = new PixiItemPool();
    return { acquire: () => p.allocate(), release: (x) => p.release(x) };
  },
  reusify: () => {
    const r = reusify(Item);
    return { acquire: () => r.get(), release: (x) => r.release(x) };
  },
  ArrayStack: () => {
    const stack: Item[] = [];
    return { acquire: () => stack.pop() ?? new Item(), release: (x) => { stack.push(x); } };
  },
};

function generic(b: B, { acquire, release }: Lender): void {
  for (let i = 0; i < b.N; i++) {
    const x = acquire();
    sink(x);
    release(x);
  }
}

bench('Object', (b) => {
  // get, hand the item to code the compiler cannot see through (a store into an object), put.
  b.run('SinkStore/Alloc', (b) => {
    for (let i = 0; i < b.N; i++) sink(new Item());
  });
  b.run('SinkStore/Pool', (b) => {
    const p = newPool();
    for (let i = 0; i < b.N; i++) {
      const x = p.get();
      sink(x);
      p.put(x);
    }
  });
  b.run('SinkStore/pixi-object-pool', (b) => {
    const p = new PixiItemPool();
    for (let i = 0; i < b.N; i++) {
      const x = p.allocate();
      sink(x);
      p.release(x);
    }
  });
  b.run('SinkStore/reusify', (b) => {
    const r = reusify(Item);
    for (let i = 0; i < b.N; i++) {
      const x = r.get();
      sink(x);
      r.release(x);
    }
  });
  b.run('SinkStore/ArrayStack', (b) => {
    const stack: Item[] = [];
    for (let i = 0; i < b.N; i++) {
      const x = stack.pop() ?? new Item();
      sink(x);
      stack.push(x);
    }
  });

  // get, write a field and fold it into an int, put: the item is used, never published.
  // (Allocation here is free when escape analysis removes the object altogether.)
  b.run('FieldFold/Alloc', (b) => {
    let acc = 0;
    for (let i = 0; i < b.N; i++) {
      const x = new Item();
      x.value = i;
      acc = (acc + x.value) | 0;
    }
    sink(acc);
  });
  b.run('FieldFold/Pool', (b) => {
    const p = newPool();
    let acc = 0;
    for (let i = 0; i < b.N; i++) {
      const x = p.get();
      x.value = i;
      acc = (acc + x.value) | 0;
      p.put(x);
    }
    sink(acc);
  });
  b.run('FieldFold/pixi-object-pool', (b) => {
    const p = new PixiItemPool();
    let acc = 0;
    for (let i = 0; i < b.N; i++) {
      const x = p.allocate();
      x.value = i;
      acc = (acc + x.value) | 0;
      p.release(x);
    }
    sink(acc);
  });
  b.run('FieldFold/reusify', (b) => {
    const r = reusify(Item);
    let acc = 0;
    for (let i = 0; i < b.N; i++) {
      const x = r.get();
      x.value = i;
      acc = (acc + x.value) | 0;
      r.release(x);
    }
    sink(acc);
  });
  b.run('FieldFold/ArrayStack', (b) => {
    const stack: Item[] = [];
    let acc = 0;
    for (let i = 0; i < b.N; i++) {
      const x = stack.pop() ?? new Item();
      x.value = i;
      acc = (acc + x.value) | 0;
      stack.push(x);
    }
    sink(acc);
  });

  // get and put through two functions handed to generic code, as a framework calls a pool.
  for (const [name, lend] of Object.entries(lenders)) {
    b.run(`Closure/${name}`, (b) => generic(b, lend()));
  }

  // Two items held at once (get, get, put, put): a private slot alone cannot serve this.
  b.run('TwoHeld/Alloc', (b) => {
    for (let i = 0; i < b.N; i++) {
      sink(new Item());
      sink(new Item());
    }
  });
  b.run('TwoHeld/Pool', (b) => {
    const p = newPool();
    for (let i = 0; i < b.N; i++) {
      const x = p.get();
      const y = p.get();
      sink(x);
      sink(y);
      p.put(y);
      p.put(x);
    }
  });
  b.run('TwoHeld/pixi-object-pool', (b) => {
    const p = new PixiItemPool();
    for (let i = 0; i < b.N; i++) {
      const x = p.allocate();
      const y = p.allocate();
      sink(x);
      sink(y);
      p.release(y);
      p.release(x);
    }
  });
  b.run('TwoHeld/reusify', (b) => {
    const r = reusify(Item);
    for (let i = 0; i < b.N; i++) {
      const x = r.get();
      const y = r.get();
      sink(x);
      sink(y);
      r.release(y);
      r.release(x);
    }
  });
  b.run('TwoHeld/ArrayStack', (b) => {
    const stack: Item[] = [];
    for (let i = 0; i < b.N; i++) {
      const x = stack.pop() ?? new Item();
      const y = stack.pop() ?? new Item();
      sink(x);
      sink(y);
      stack.push(y);
      stack.push(x);
    }
  });
});

// Typed arrays, where pooling pays most: the backing store of a 1 KiB Uint8Array is off-heap.
const SIZE = 1024;
bench('Bytes1024', (b) => {
  b.run('SinkStore/Alloc', (b) => {
    for (let i = 0; i < b.N; i++) sink(new Uint8Array(SIZE));
  });
  b.run('SinkStore/Pool', (b) => {
    const p = new Pool({ new: () => new Uint8Array(SIZE) });
    for (let i = 0; i < b.N; i++) {
      const x = p.get();
      sink(x);
      p.put(x);
    }
  });
  b.run('SinkStore/BytesPool', (b) => {
    const p = new BytesPool({ zero: false });
    for (let i = 0; i < b.N; i++) {
      const x = p.get(SIZE);
      sink(x);
      p.put(x);
    }
  });
  b.run('SinkStore/typedarray-pool', (b) => {
    for (let i = 0; i < b.N; i++) {
      const x = typedArrayPool.mallocUint8(SIZE);
      sink(x);
      typedArrayPool.freeUint8(x);
    }
  });
});

// Async code: generic-pool's acquire and release return Promises. Beside it, the cost of one
// `await` alone, and Pool's pair with one await in between, as async code would use it.
bench('Async', (b) => {
  b.run('Await/AwaitOnly', async (b) => {
    for (let i = 0; i < b.N; i++) sink(await i);
  });
  b.run('Await/Pool', async (b) => {
    const p = newPool();
    for (let i = 0; i < b.N; i++) {
      const x = p.get();
      sink(await x);
      p.put(x);
    }
  });
  b.run('Await/generic-pool', async (b) => {
    const p = createPool({ create: async () => new Item(), destroy: async () => {} }, { max: 1 });
    for (let i = 0; i < b.N; i++) {
      const x = await p.acquire();
      sink(x);
      await p.release(x);
    }
    b.stopTimer();
    await p.drain();
    await p.clear();
  });
});
