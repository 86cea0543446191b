// The worker side of scenario.mjs: attaches to the SharedPool it is sent, gets `gets` blocks,
// reads the byte the previous thread wrote into each and writes its own, puts them back if told
// to, and answers with what it saw. A Web Worker in browsers, Deno and Bun; a worker_threads
// worker in Node.
import { SharedPool } from 'syncpool';

function serve(reply, { buffer, gets, putBack }) {
  const pool = SharedPool.attach(buffer);
  const got = [];
  for (let i = 0; i < gets; i++) {
    const id = pool.get();
    if (id < 0) {
      got.push({ id });
      continue;
    }
    const bytes = pool.bytes(id);
    got.push({ id, read: bytes[0] });
    bytes[0] = 200 + pool.localId;
  }
  if (putBack) for (const { id } of got) if (id >= 0) pool.put(id);
  reply({ localId: pool.localId, got });
}

if (typeof globalThis.postMessage === 'function') {
  globalThis.onmessage = (event) => serve((answer) => globalThis.postMessage(answer), event.data);
} else {
  const { parentPort } = globalThis.process.getBuiltinModule('node:worker_threads');
  parentPort.on('message', (message) => serve((answer) => parentPort.postMessage(answer), message));
}
