// The behaviours every runtime must share, run the same way in Node, Deno, Bun and a browser
// page (test/runtimes.test.ts and test/packaging.test.ts drive it). Plain JavaScript that
// imports only 'syncpool', so each runtime runs it as it is and a bundler bundles it with default
// options. Every result is deterministic: `core` must deep-equal Node's; `platform` holds what a
// runtime may legitimately do differently, and the tests check it per runtime.
import { BytesPool, Pool, PoolError, SharedPool, gcCycle, poolCleanup, setCleanupMode } from 'syncpool';

/**
 * @param {URL | string} workerUrl scenario-worker.mjs, its bundle, or a Blob URL of its bundle
 * @returns {Promise<{ core: Record<string, unknown>, platform: Record<string, unknown> }>}
 */
export async function run(workerUrl) {
  const core = { getOrder: getOrder() };
  const platform = {};
  // Where the runtime cannot force a collection (a browser started without gc exposed), gcCycle
  // must say so: its PoolError goes to `platform`, and `core` lacks this part.
  const victim = await outcomeAsync(victimAcrossGCs);
  if ('value' in victim) core.victimAcrossGCs = victim.value;
  else platform.gcCycle = victim;
  core.automaticCleanup = await automaticCleanup();
  core.bytesPool = bytesPool();
  Object.assign(platform, {
    getBuffer: outcome(() => new BytesPool().getBuffer(100).constructor.name),
    sharedArrayBufferView: typeof SharedArrayBuffer === 'function' ? verdict(new Uint8Array(new SharedArrayBuffer(128))) : 'no SharedArrayBuffer',
  });
  const shared = await sharedPoolAcrossWorkers(workerUrl);
  if (shared.created) core.sharedPool = shared.result;
  else platform.sharedPoolCreate = shared.result;
  return { core, platform };
}

// Go's Get order: private, then the stack newest first, then the victim's private, then the
// victim oldest first, then New. Cleanups by hand, so no GC can interfere.
function getOrder() {
  setCleanupMode('manual');
  let made = 0;
  const pool = new Pool({ new: () => `new${++made}` });
  for (const x of ['v1', 'v2', 'v3', 'v4']) pool.put(x);
  poolCleanup();
  for (const x of ['p1', 'p2', 'p3']) pool.put(x);
  const order = Array.from({ length: 9 }, () => pool.get());
  pool.put(undefined); // ignored, as Go ignores nil
  pool.put(null);
  return { order, stats: pool.stats() };
}

// Real garbage collections, forced by gcCycle: one keeps an idle item in the victim, the second
// releases it; an item taken from the victim and put back is primary again.
async function victimAcrossGCs() {
  setCleanupMode('manual');
  let made = 0;
  const pool = new Pool({ new: () => ({ id: ++made }) });
  pool.put(pool.get());
  await gcCycle();
  const afterOne = pool.get().id;
  pool.put({ id: afterOne });
  await gcCycle();
  await gcCycle();
  const afterTwo = pool.get().id;
  setCleanupMode('gc');
  return { afterOne, afterTwo, stats: pool.stats() };
}

// Cleanups that nobody asks for: the runtime's own major collections, provoked by allocating,
// collect the sentinel and run them. Bounded by an allocation budget, never by time.
async function automaticCleanup() {
  setCleanupMode('gc');
  const pool = new Pool();
  pool.put({});
  // The last 256 arrays of 64 KiB stay reachable, long enough for many to survive a minor
  // collection and be promoted: the old generation grows until the runtime collects it.
  // 4 GiB allocated at most.
  const live = new Array(256);
  for (let n = 0; pool.stats().cleanups < 2 && n < 65536; ) {
    for (let i = 0; i < 256; i++, n++) live[i] = new Array(8192).fill(n);
    await new Promise((resolve) => setTimeout(resolve, 0)); // the cleanup runs as a task
  }
  const { cleanups, primarySize, victimSize, dropped } = pool.stats();
  return { atLeastTwoCleanups: cleanups >= 2, primarySize, victimSize, dropped };
}

// The class mapping, and what put() accepts and refuses (and why, from stats().rejected).
function bytesPool() {
  const pool = new BytesPool({ minSize: 64, maxSize: 4096 });
  const sizes = [0, 1, 64, 65, 100, 4096, 4097].map((n) => pool.get(n).length);
  const a = pool.get(100);
  pool.put(a);
  const sameBack = pool.get(128) === a;
  // Debug mode throws for what the default mode counts. (Its double-put check is left to the
  // unit tests: debug mode also drops one put in four at random, as Go's race mode does.)
  const debug = new BytesPool({ debug: true });
  return {
    sizes,
    sameBack,
    put: {
      classSizeArray: verdict(new Uint8Array(128)),
      oversize: verdict(new Uint8Array(8192)),
      wrongSize: verdict(new Uint8Array(100)),
      viewOfLargerStore: verdict(new Uint8Array(256).subarray(0, 128)),
      offsetView: verdict(new Uint8Array(192).subarray(64)),
      resizableStore: verdict(new Uint8Array(new ArrayBuffer(128, { maxByteLength: 256 }))),
      uint16Array: verdict(new Uint16Array(64)),
      dataView: verdict(new DataView(new ArrayBuffer(64))),
      plainArray: verdict(new Array(64).fill(0)),
      transferredSinceItWasPooled: transferredSinceItWasPooled(),
    },
    debugWrongSize: outcome(() => debug.put(new Uint8Array(3))),
    debugView: outcome(() => debug.put(new Uint8Array(256).subarray(0, 128))),
  };
}

// What one put into a fresh pool did: 'pooled', the rejection reason, or 'ignored' if neither.
function verdict(buf, pool = new BytesPool({ minSize: 64, maxSize: 4096 })) {
  pool.put(buf);
  const { rejected, classes } = pool.stats();
  const reasons = Object.keys(rejected).filter((reason) => rejected[reason] > 0);
  if (reasons.length > 0) return reasons.join('+');
  return classes.some((c) => c.primarySize > 0) ? 'pooled' : 'ignored';
}

// A buffer the pool knows (it was pooled and handed out again), transferred to another owner
// since: its length is 0 now, and the pool must not take it back.
function transferredSinceItWasPooled() {
  const pool = new BytesPool({ minSize: 64, maxSize: 4096 });
  const buf = pool.get(256);
  pool.put(buf);
  pool.get(256);
  structuredClone(buf, { transfer: [buf.buffer] });
  return verdict(buf, pool);
}

// Go's Get order across threads, step by step. The main thread (local 0) pools four blocks: one
// in its private slot, three in its ring. Worker 1 (local 1) finds its own ring empty, steals
// the two oldest of local 0's ring and puts them back into its own local. Worker 2 (local 2)
// visits local 0 first (Go's getSlow starts after itself and wraps), takes its last block, then
// local 1's ring block, then finds nothing: private slots are never stolen. Each step waits for
// the previous one, so the ids are deterministic, and the bytes one thread wrote the next reads.
async function sharedPoolAcrossWorkers(workerUrl) {
  let pool;
  try {
    pool = SharedPool.create({ blockSize: 64, blocks: 4, maxLocals: 3 });
  } catch (error) {
    return { created: false, result: describeError(error) };
  }
  const ids = [pool.get(), pool.get(), pool.get(), pool.get()];
  for (const id of ids) pool.bytes(id)[0] = 100 + id;
  for (const id of ids) pool.put(id); // private: 0, ring: 1 2 3 (3 at the head)
  const workers = [startWorker(workerUrl), startWorker(workerUrl)];
  try {
    const first = await ask(workers[0], { buffer: pool.buffer, gets: 2, putBack: true });
    const second = await ask(workers[1], { buffer: pool.buffer, gets: 3, putBack: false });
    return { created: true, result: { first, second, main: pool.get(), stats: pool.stats(), census: pool.census() } };
  } finally {
    for (const worker of workers) worker.terminate();
  }
}

// Browsers, Deno and Bun have Web Workers; Node has worker_threads, found the same way the
// library finds its built-ins.
function startWorker(url) {
  if (typeof Worker === 'function') {
    const worker = new Worker(url, { type: 'module' });
    return {
      send: (m) => worker.postMessage(m),
      listen: (onMessage, onError) => {
        worker.onmessage = (e) => onMessage(e.data);
        worker.onerror = (e) => {
          e.preventDefault();
          onError(new Error(`worker: ${e.message}`));
        };
      },
      terminate: () => worker.terminate(),
    };
  }
  const { Worker: NodeWorker } = globalThis.process.getBuiltinModule('node:worker_threads');
  const worker = new NodeWorker(url);
  return {
    send: (m) => worker.postMessage(m),
    listen: (onMessage, onError) => worker.on('message', onMessage).on('error', onError),
    terminate: () => worker.terminate(),
  };
}

function ask(worker, message) {
  return new Promise((resolve, reject) => {
    worker.listen(resolve, reject);
    worker.send(message);
  });
}

async function outcomeAsync(f) {
  try {
    return { value: await f() };
  } catch (error) {
    setCleanupMode('gc');
    return describeError(error);
  }
}

function outcome(f) {
  try {
    return { value: f() };
  } catch (error) {
    return describeError(error);
  }
}

function describeError(error) {
  return { threw: error instanceof PoolError ? 'PoolError' : error?.constructor?.name ?? typeof error, message: String(error?.message ?? error) };
}
