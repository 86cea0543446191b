// The example server (examples/server) under load on loopback, with SYNCPOOL_DEBUG=1: putting a
// response buffer back before the socket has sent it is caught, putting it back in the write's
// callback is not. The server runs the built package (npm test builds first).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BytesPool } from '../src/index.js';

const example = (file: string) => fileURLToPath(new URL(`../../../examples/server/${file}`, import.meta.url));

interface LoadResult { requests: number; seconds: number }
interface LoadOptions { port: number; payload: number; durationMs: number; connections?: number; depth?: number; maxRequests?: number }
const { runFrameLoad } = (await import(example('frame-client.mjs'))) as { runFrameLoad(o: LoadOptions): Promise<LoadResult> };
const { responseTemplate } = (await import(example('protocol.mjs'))) as { responseTemplate(size: number): Buffer };

interface Snapshot { workers: { pool: { gets: number; news: number } }[] }

interface ServerProcess { port: number; command(command: object): Promise<unknown>; stop(): Promise<void> }
const { startServer } = (await import(example('server-process.mjs'))) as { startServer(args: string[], env: NodeJS.ProcessEnv): Promise<ServerProcess> };

async function withServer<T>(args: string[], body: (port: number, snapshot: () => Promise<Snapshot>) => Promise<T>): Promise<T> {
  const server = await startServer(args, { ...process.env, SYNCPOOL_DEBUG: '1' });
  try {
    return await body(server.port, async () => (await server.command({ type: 'snapshot' })) as Snapshot);
  } finally {
    await server.stop();
  }
}

// 64 KiB frames, 64 in flight on each of 4 connections: the server writes 4 MiB per connection
// in one go, far more than loopback socket buffers take at once, so most writes are still
// pending when write() returns. Bounded by count: 1000 requests.
const load = { payload: 65536, connections: 4, depth: 64, durationMs: 10_000, maxRequests: 1000 };
const frameArgs = (release: string) => ['--protocol', 'frame', '--payload', '65536', '--alloc', 'pool', '--release', release];

test('frames: putting the buffer back before the write completes sends the debug fill, and the client sees it', async () => {
  await withServer(frameArgs('early'), async (port) => {
    await assert.rejects(runFrameLoad({ port, ...load }), /0xa5, BytesPool's debug fill: the server put this buffer back before the socket had sent it/);
  });
});

test("frames: putting the buffer back in the write's callback delivers every byte, and buffers are reused", async () => {
  await withServer(frameArgs('callback'), async (port, snapshot) => {
    const { requests } = await runFrameLoad({ port, ...load });
    assert.equal(requests, load.maxRequests);
    const [{ pool }] = (await snapshot()).workers as [{ pool: { gets: number; news: number } }];
    assert.equal(pool.gets, requests, 'every response came from the pool');
    // New buffers: up to 256 in flight at once, plus the 1 put in 4 that debug mode drops.
    assert.ok(pool.gets - pool.news > pool.gets / 4, `buffers were reused: ${pool.news} new for ${pool.gets} gets`);
  });
});

// HTTP/1.1 pipelining, the HTTP form of a client that reads slowly: the server answers the
// first request at once and queues the other responses until it is sent, keeping their bodies.
async function pipelinedBodies(port: number, count: number): Promise<Buffer[]> {
  const socket = connect(port, '127.0.0.1');
  const request = 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n';
  socket.write(`${request}\r\n`.repeat(count - 1) + `${request}Connection: close\r\n\r\n`);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await once(socket, 'end', { signal: AbortSignal.timeout(15_000) });
  const stream = Buffer.concat(chunks);
  const bodies: Buffer[] = [];
  for (let at = 0; at < stream.length;) {
    const headerEnd = stream.indexOf('\r\n\r\n', at) + 4;
    const length = Number(/content-length: (\d+)/i.exec(stream.toString('latin1', at, headerEnd))?.[1]);
    bodies.push(stream.subarray(headerEnd, headerEnd + length));
    at = headerEnd + length;
  }
  return bodies;
}

const httpArgs = (release: string) => ['--protocol', 'http', '--payload', '65536', '--alloc', 'pool', '--release', release];
const template = responseTemplate(65536);
const filled = Buffer.alloc(64, BytesPool.debugFill);

test('HTTP: putting the body back right after res.end() sends the debug fill to a pipelining client', async () => {
  await withServer(httpArgs('early'), async (port) => {
    const bodies = await pipelinedBodies(port, 32);
    assert.equal(bodies.length, 32);
    assert.ok(bodies.filter((body) => body.includes(filled)).length > 0, 'some queued body went out as the fill');
  });
});

test("HTTP: putting the body back in res.end's callback delivers every body intact", async () => {
  await withServer(httpArgs('callback'), async (port) => {
    const bodies = await pipelinedBodies(port, 32);
    assert.equal(bodies.length, 32);
    for (const body of bodies) assert.ok(body.equals(template));
  });
});
