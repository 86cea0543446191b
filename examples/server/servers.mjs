// @ts-check
// The two servers. Each response is encoded into a buffer from `bufferSource` (buffers.mjs), and
// that buffer is what the socket sends: no copy in between, which is why pooling can pay and why
// the buffer must not go back to the pool before the write completes.
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { bufferSource } from './buffers.mjs';
import { REQUEST_SIZE, encodeResponse, responseTemplate } from './protocol.mjs';

/**
 * @typedef {object} ServerOptions
 * @property {number} payload bytes per response: the HTTP body, or the whole response frame
 * @property {import('./buffers.mjs').Alloc} alloc
 * @property {import('./buffers.mjs').Release} release
 */

/**
 * HTTP: every request gets `payload` bytes of application/octet-stream.
 * @param {ServerOptions} options
 */
export function httpServer({ payload, alloc, release }) {
  const { take, send } = bufferSource(alloc, release);
  const template = responseTemplate(payload);
  const headers = { 'content-type': 'application/octet-stream', 'content-length': String(payload) };
  return createHttpServer({ keepAlive: true }, (req, res) => {
    const body = take(payload);
    body.set(template);
    res.writeHead(200, headers);
    // res.end's callback runs on 'finish': the body has been handed to the operating system.
    send((buf, done) => (res.end(buf, done), true), body);
  });
}

/**
 * Length-prefixed frames: a request is [u32 4][u32 id]; the response is [u32 payload - 4][u32 id]
 * and payload - 8 bytes of data. Requests may be pipelined; responses go out in order.
 * @param {ServerOptions} options
 */
export function frameServer({ payload, alloc, release }) {
  const { take, send } = bufferSource(alloc, release);
  const template = responseTemplate(payload);
  return createNetServer({ noDelay: true }, (socket) => {
    /** @type {(buf: Uint8Array, done?: () => void) => boolean} */
    const write = (buf, done) => socket.write(buf, done);
    // A request split across chunks waits here for its remaining bytes.
    const partial = Buffer.alloc(REQUEST_SIZE);
    let partialLength = 0;
    let writable = true;
    socket.on('drain', () => {
      writable = true;
      socket.resume();
    });
    /** @param {Buffer} request @param {number} offset */
    const respond = (request, offset = 0) => {
      if (request.readUInt32LE(offset) !== REQUEST_SIZE - 4) {
        socket.destroy(new Error(`frame server: a request frame is [u32 ${REQUEST_SIZE - 4}][u32 id]`));
        return;
      }
      const buf = take(payload);
      encodeResponse(buf, request.readUInt32LE(offset + 4), template);
      if (!send(write, buf)) writable = false;
    };
    socket.on('data', (chunk) => {
      let at = 0;
      if (partialLength > 0) {
        at = Math.min(REQUEST_SIZE - partialLength, chunk.length);
        partial.set(chunk.subarray(0, at), partialLength);
        partialLength += at;
        if (partialLength < REQUEST_SIZE) return;
        partialLength = 0;
        respond(partial);
      }
      for (; at + REQUEST_SIZE <= chunk.length && !socket.destroyed; at += REQUEST_SIZE) respond(chunk, at);
      if (at < chunk.length) {
        partial.set(chunk.subarray(at));
        partialLength = chunk.length - at;
      }
      // Backpressure, as a broker applies it: stop reading requests until the socket drains.
      if (!writable) socket.pause();
    });
    // A client that goes away mid-response (ECONNRESET, EPIPE) costs its connection, nothing more.
    // The callbacks of its unsent writes still run (with an error), so pooled buffers go back.
    socket.on('error', () => socket.destroy());
  });
}
