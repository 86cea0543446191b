// The byte-buffer size sweep (issue 4; seed Task 8): a get+put through BytesPool against every
// other way of getting n bytes. Run: npx syncpool-bench bench/bytes-pool.bench.ts
import { createRequire } from 'node:module';
import { bench, sink } from 'syncpool-bench';
import { BytesPool, Pool, setCleanupMode } from 'syncpool';

// typedarray-pool is CommonJS without types.
const typedArrayPool = createRequire(import.meta.url)('typedarray-pool') as {
  mallocUint8(n: number): Uint8Array;
  freeUint8(buf: Uint8Array): void;
};

// Only the harness's own GCs happen during a benchmark; cleanups would make misses.
setCleanupMode('manual');

const SIZES = [16, 64, 65, 256, 1024, 4096, 16384, 65536];

const pooled = new BytesPool({ zero: false });
const zeroed = new BytesPool({ zero: 'on-put' });

bench('BytesSweep', (b) => {
  for (const size of SIZES) {
    b.run(`size=${size}/BytesPool`, (b) => {
      for (let i = 0; i < b.N; i++) {
        const buf = pooled.get(size);
        sink(buf);
        pooled.put(buf);
      }
    });
    b.run(`size=${size}/BytesPoolZeroed`, (b) => {
      for (let i = 0; i < b.N; i++) {
        const buf = zeroed.get(size);
        sink(buf);
        zeroed.put(buf);
      }
    });
    b.run(`size=${size}/typedarray-pool`, (b) => {
      for (let i = 0; i < b.N; i++) {
        const buf = typedArrayPool.mallocUint8(size);
        sink(buf);
        typedArrayPool.freeUint8(buf);
      }
    });
    b.run(`size=${size}/NewUint8Array`, (b) => {
      for (let i = 0; i < b.N; i++) sink(new Uint8Array(size));
    });
    b.run(`size=${size}/BufferAllocUnsafe`, (b) => {
      for (let i = 0; i < b.N; i++) sink(Buffer.allocUnsafe(size));
    });
    b.run(`size=${size}/BufferAlloc`, (b) => {
      for (let i = 0; i < b.N; i++) sink(Buffer.alloc(size));
    });
  }
});

// Issue 19's speed target: a 1 KiB get+put through BytesPool (every rejection rule in force)
// within 1.5x of a plain Pool of 1 KiB buffers, both measured in the same process.
const kib = new BytesPool({ zero: false });
const kibPool = new Pool<Uint8Array<ArrayBuffer>>({ new: () => new Uint8Array(1024) });
// The floor of any size-classed pool built on Pool: one Pool per power of two from 64 bytes,
// picked by the size on get and by the length on put, with no ownership and no rejection rule.
// What BytesPool costs above it is the cost of its rules.
const classPools = Array.from({ length: 15 }, (_, i) => new Pool<Uint8Array<ArrayBuffer>>({ new: () => new Uint8Array(64 << i) }));
const classOf = (n: number) => (n <= 64 ? 0 : 26 - Math.clz32(n - 1));
const HELD = 8;
const held: Uint8Array<ArrayBuffer>[] = new Array(HELD);

bench('BytesVsPool', (b) => {
  b.run('size=1024/BytesPool', (b) => {
    for (let i = 0; i < b.N; i++) {
      const buf = kib.get(1024);
      sink(buf);
      kib.put(buf);
    }
  });
  b.run('size=1024/Pool', (b) => {
    for (let i = 0; i < b.N; i++) {
      const buf = kibPool.get();
      sink(buf);
      kibPool.put(buf);
    }
  });
  b.run('size=1024/ClassLookupOnly', (b) => {
    for (let i = 0; i < b.N; i++) {
      const buf = classPools[classOf(1024)]!.get();
      sink(buf);
      classPools[classOf(buf.length)]!.put(buf);
    }
  });
  // Eight buffers outstanding at once: only the first comes back by BytesPool's hot-buffer path,
  // the other seven by its stamped path. ns/op is per get+put (b.N counts each of the eight).
  b.run('size=1024/BytesPoolEightHeld', (b) => {
    for (let i = 0; i < b.N; i += HELD) {
      for (let k = 0; k < HELD; k++) held[k] = kib.get(1024);
      sink(held);
      for (let k = 0; k < HELD; k++) kib.put(held[k]);
    }
  });
  b.run('size=1024/PoolEightHeld', (b) => {
    for (let i = 0; i < b.N; i += HELD) {
      for (let k = 0; k < HELD; k++) held[k] = kibPool.get();
      sink(held);
      for (let k = 0; k < HELD; k++) kibPool.put(held[k]);
    }
  });
});
