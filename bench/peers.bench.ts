// The get+put pair on Pool and on the JavaScript pools people use instead, with plain
// allocation of the same object as the baseline. Run: npx syncpool-bench bench/peers.bench.ts
//
// generic-pool is not here: its acquire() returns a Promise, and benchmark functions are
// synchronous, as in Go. bench/RESULTS.md measures it separately, for contrast.
import { createRequire } from 'node:module';
import { ObjectPoolFactory } from '@pixi-essentials/object-pool';
import reusify from 'reusify';
import { bench, sink } from 'syncpool-bench';
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

bench('GetPut', (b) => {
  b.run('Alloc', (b) => {
    for (let i = 0; i < b.N; i++) sink(new Item());
  });
  b.run('Pool', (b) => {
    const p = new Pool({ new: () => new Item() });
    for (let i = 0; i < b.N; i++) {
      const x = p.get();
      sink(x);
      p.put(x);
    }
  });
  b.run('ArrayStack', (b) => {
    const stack: Item[] = [];
    for (let i = 0; i < b.N; i++) {
      const x = stack.pop() ?? new Item();
      sink(x);
      stack.push(x);
    }
  });
  b.run('reusify', (b) => {
    const r = reusify(Item);
    for (let i = 0; i < b.N; i++) {
      const x = r.get();
      sink(x);
      r.release(x);
    }
  });
  b.run('pixi-object-pool', (b) => {
    const p = ObjectPoolFactory.build(Item);
    for (let i = 0; i < b.N; i++) {
      const x = p.allocate();
      sink(x);
      p.release(x);
    }
  });
});

// Typed arrays, where pooling pays most: the backing store of a 1 KiB Uint8Array is off-heap.
const SIZE = 1024;
bench('GetPutBytes1024', (b) => {
  b.run('Alloc', (b) => {
    for (let i = 0; i < b.N; i++) sink(new Uint8Array(SIZE));
  });
  b.run('Pool', (b) => {
    const p = new Pool({ new: () => new Uint8Array(SIZE) });
    for (let i = 0; i < b.N; i++) {
      const x = p.get();
      sink(x);
      p.put(x);
    }
  });
  b.run('BytesPool', (b) => {
    const p = new BytesPool({ zero: false });
    for (let i = 0; i < b.N; i++) {
      const x = p.get(SIZE);
      sink(x);
      p.put(x);
    }
  });
  b.run('typedarray-pool', (b) => {
    for (let i = 0; i < b.N; i++) {
      const x = typedArrayPool.mallocUint8(SIZE);
      sink(x);
      typedArrayPool.freeUint8(x);
    }
  });
});
