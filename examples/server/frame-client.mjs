// @ts-check
// Load generator for the frame server: `connections` sockets, each keeping `depth` requests in
// flight (pipelined, as database drivers and broker clients do), until `durationMs` has passed
// or `maxRequests` were sent; then it waits for the answers in flight and closes. Every byte of
// every response is checked against what the server must have sent.
import { connect } from 'node:net';
import { createHistogram, performance } from 'node:perf_hooks';
import { BytesPool } from 'syncpool';
import { HEADER_SIZE, REQUEST_SIZE, responseTemplate, writeU32 } from './protocol.mjs';

// The byte a BytesPool in debug mode fills a buffer with when it is put back.
const DEBUG_FILL = BytesPool.debugFill;

/**
 * @typedef {object} FrameLoadOptions
 * @property {number} port
 * @property {number} payload bytes per response frame
 * @property {number} [connections]
 * @property {number} [depth] requests in flight per connection
 * @property {number} durationMs stop sending after this long
 * @property {number} [maxRequests] stop sending after this many, over all connections
 * @property {import('node:perf_hooks').RecordableHistogram} [latencies] records each response's latency in ns
 */

/**
 * @param {FrameLoadOptions} options
 * @returns {Promise<{ requests: number, seconds: number }>} responses received and checked
 */
export function runFrameLoad({ port, payload, connections = 8, depth = 16, durationMs, maxRequests = Infinity, latencies = createHistogram() }) {
  const template = responseTemplate(payload);
  const start = performance.now();
  const deadline = start + durationMs;
  let budget = maxRequests;
  let received = 0;
  /** @type {import('node:net').Socket[]} */
  const sockets = [];
  return new Promise((resolve, reject) => {
    let open = connections;
    /** @param {Error} error */
    const fail = (error) => {
      for (const s of sockets) s.destroy();
      reject(error);
    };
    // The answers still in flight at the deadline get this long; a server that stops answering fails the run.
    const watchdog = setTimeout(() => fail(new Error(`frame client: no end ${durationMs + 10_000} ms after the start`)), durationMs + 10_000);
    const closed = () => {
      if (--open > 0) return;
      clearTimeout(watchdog);
      resolve({ requests: received, seconds: (performance.now() - start) / 1000 });
    };
    for (let c = 0; c < connections; c++) {
      const socket = connect({ port, host: '127.0.0.1', noDelay: true });
      sockets.push(socket);
      const sentAt = new Float64Array(depth);
      let nextId = 0; // id of the next request to send
      let expected = 0; // id of the next response
      const header = Buffer.alloc(HEADER_SIZE);
      let headerLength = 0;
      let bodyOffset = -1; // offset in the frame of the next body byte, -1 while reading a header

      /** @param {number} n */
      const send = (n) => {
        n = Math.min(n, budget);
        if (n <= 0 || performance.now() >= deadline) {
          if (expected === nextId) socket.end();
          return;
        }
        budget -= n;
        const requests = Buffer.allocUnsafe(n * REQUEST_SIZE);
        for (let i = 0; i < n; i++, nextId++) {
          writeU32(requests, i * REQUEST_SIZE, REQUEST_SIZE - 4);
          writeU32(requests, i * REQUEST_SIZE + 4, nextId);
          sentAt[nextId % depth] = performance.now();
        }
        socket.write(requests);
      };
      /**
       * @param {string} what
       * @param {Uint8Array} got the bytes received where others were expected, from the first that differs
       */
      const corrupt = (what, got) => {
        const filled = got.length > 0 && got.every((b) => b === DEBUG_FILL);
        fail(new Error(
          `frame client: response ${expected} on connection ${c}: ${what}` +
            (filled ? ` — they hold 0x${DEBUG_FILL.toString(16)}, BytesPool's debug fill: the server put this buffer back before the socket had sent it` : ''),
        ));
      };

      socket.on('connect', () => send(depth));
      socket.on('data', (chunk) => {
        let at = 0;
        let done = 0;
        while (at < chunk.length) {
          if (bodyOffset < 0) {
            const n = Math.min(HEADER_SIZE - headerLength, chunk.length - at);
            chunk.copy(header, headerLength, at, at + n);
            headerLength += n;
            at += n;
            if (headerLength < HEADER_SIZE) break;
            headerLength = 0;
            if (header.readUInt32LE(0) !== payload - 4) return corrupt(`length field ${header.readUInt32LE(0)}, expected ${payload - 4}`, header);
            if (header.readUInt32LE(4) !== expected) return corrupt(`id field ${header.readUInt32LE(4)}`, header);
            bodyOffset = HEADER_SIZE;
          }
          const n = Math.min(payload - bodyOffset, chunk.length - at);
          if (chunk.compare(template, bodyOffset, bodyOffset + n, at, at + n) !== 0) {
            let i = 0;
            while (chunk[at + i] === template[bodyOffset + i]) i++;
            return corrupt(`payload byte ${bodyOffset + i} differs from what was sent`, chunk.subarray(at + i, at + n));
          }
          bodyOffset += n;
          at += n;
          if (bodyOffset === payload) {
            bodyOffset = -1;
            latencies.record(Math.max(1, Math.round((performance.now() - (sentAt[expected % depth] ?? 0)) * 1e6)));
            expected++;
            received++;
            done++;
          }
        }
        send(done); // one write carries the requests that replace all the answers in this chunk
      });
      socket.on('error', fail);
      socket.on('close', () => {
        if (expected !== nextId) fail(new Error(`frame client: the server closed connection ${c} with ${nextId - expected} answers outstanding`));
        closed();
      });
    }
  });
}
