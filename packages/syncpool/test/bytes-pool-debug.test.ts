// BytesPool's debug check for use after put: put fills a buffer with BytesPool.debugFill, the
// next get of it checks the fill and throws PoolError if anything wrote to it in between.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BytesPool, PoolError, poolCleanup, setCleanupMode } from '../src/index.js';
import { withoutRandomDrops } from './support/without-drops.js';

before(() => setCleanupMode('manual'));

const FILL = BytesPool.debugFill;

function pooledCount(pool: BytesPool): number {
  return pool.stats().classes.reduce((sum, c) => sum + c.primarySize + c.victimSize, 0);
}

function putUntilPooled(pool: BytesPool, buf: Uint8Array): void {
  withoutRandomDrops(() => pool.put(buf));
  assert.ok(pooledCount(pool) > 0);
}

const writtenAfterPut = (name: string) => (e: unknown) =>
  e instanceof PoolError && e.pool === name && /was changed after it was put back/.test(e.message);

describe('a write after put is caught by the next get', () => {
  for (const [kind, take] of [
    ['Uint8Array', (pool: BytesPool, n: number) => pool.get(n)],
    ['Buffer', (pool: BytesPool, n: number) => pool.getBuffer(n)],
  ] as const) {
    test(`${kind}: the get throws PoolError naming the pool and the byte`, () => {
      const pool = new BytesPool({ minSize: 16, maxSize: 4096, debug: true, name: 'frames' });
      const buf = take(pool, 1000);
      putUntilPooled(pool, buf);
      assert.ok(buf.every((byte) => byte === FILL), 'put filled the whole class size');
      buf[700] = 1; // the bug: still writing after put
      assert.throws(() => take(pool, 1000), (e: unknown) => writtenAfterPut('frames')(e) && /byte 700 is 0x1,/.test((e as Error).message));
      const next = take(pool, 1000);
      assert.notEqual(next, buf, 'the overwritten buffer is withheld, never handed out');
    });
  }

  test('the last byte of a class counts as much as the first', () => {
    for (const size of [1, 2, 4, 8, 64, 4096]) {
      const pool = new BytesPool({ minSize: 1, maxSize: 4096, debug: true, name: `p${size}` });
      const buf = pool.get(size);
      putUntilPooled(pool, buf);
      buf[size - 1] = 0;
      assert.throws(() => pool.get(size), writtenAfterPut(`p${size}`), `class ${size}`);
    }
  });

  test('a buffer detached (transferred) after put is caught', () => {
    const pool = new BytesPool({ minSize: 16, maxSize: 1024, debug: true });
    const buf = pool.get(64);
    putUntilPooled(pool, buf);
    structuredClone(buf.buffer, { transfer: [buf.buffer] });
    assert.throws(() => pool.get(64), (e: unknown) => e instanceof PoolError && /it is detached/.test(e.message));
  });

  test('a write while the buffer sits in the victim cache is caught', () => {
    const pool = new BytesPool({ minSize: 16, maxSize: 1024, debug: true });
    const buf = pool.get(256);
    putUntilPooled(pool, buf);
    poolCleanup();
    buf.fill(0);
    assert.throws(() => pool.get(256), PoolError);
  });

  test('an asynchronous read into a buffer put back too early is caught (real socket)', async () => {
    // The bug: a socket reads into a pooled buffer (net's onread), and the buffer is put back
    // after the first message while the socket still owns it. The next message lands in it.
    const pool = new BytesPool({ minSize: 64, maxSize: 1024, debug: true, name: 'reads' });
    const readBuffer = pool.getBuffer(1024);
    const messages: string[] = [];
    const received = new Set<() => void>();
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    const client: Socket = connect({
      port,
      host: '127.0.0.1',
      onread: {
        buffer: readBuffer,
        callback(n, buf) {
          messages.push(Buffer.from(buf.subarray(0, n)).toString('latin1'));
          for (const wake of received) wake();
          return true;
        },
      },
    });
    try {
      const [peer] = (await once(server, 'connection')) as [Socket];
      const nextMessage = () => new Promise<void>((resolve) => received.add(function wake() { received.delete(wake); resolve(); }));
      let arrived = nextMessage();
      peer.write('first');
      await arrived;
      putUntilPooled(pool, readBuffer); // wrong: the socket keeps reading into it
      arrived = nextMessage();
      peer.write('second');
      await arrived;
      assert.deepEqual(messages, ['first', 'second']);
      assert.throws(() => pool.getBuffer(1024), writtenAfterPut('reads'));
      peer.destroy();
    } finally {
      client.destroy();
      server.close();
    }
  });
});

describe('what the check does not change', () => {
  test('an untouched buffer passes and comes back', () => {
    const pool = new BytesPool({ minSize: 16, maxSize: 1024, debug: true });
    const buf = pool.get(512);
    buf.fill(3);
    putUntilPooled(pool, buf);
    assert.equal(pool.get(512), buf);
  });

  test("zero: false hands the fill out: code reading bytes it did not write reads 0xa5", () => {
    const pool = new BytesPool({ minSize: 16, maxSize: 1024, debug: true, zero: false });
    const buf = pool.get(32);
    buf.fill(7);
    putUntilPooled(pool, buf);
    assert.ok(pool.get(32).every((byte) => byte === FILL));
  });

  for (const zero of ['on-put', 'on-get'] as const) {
    test(`zero: '${zero}' still hands out zeros, after checking the fill`, () => {
      const pool = new BytesPool({ minSize: 16, maxSize: 1024, debug: true, zero });
      const buf = pool.getBuffer(128);
      buf.fill(9);
      putUntilPooled(pool, buf);
      assert.ok(buf.every((byte) => byte === FILL), 'put filled it (the fill also erases the old data)');
      const again = pool.getBuffer(128);
      assert.equal(again, buf);
      assert.ok(again.every((byte) => byte === 0));
      putUntilPooled(pool, again);
      again[5] = 1;
      assert.throws(() => pool.getBuffer(128), PoolError, 'a zeroing pool checks as well');
    });
  }

  test('fresh buffers are not checked and are zero', () => {
    const pool = new BytesPool({ minSize: 16, maxSize: 1024, debug: true });
    assert.ok(pool.get(100).every((byte) => byte === 0));
    assert.ok(pool.getBuffer(5000).every((byte) => byte === 0));
  });

  test('a double put throws before filling, and leaves the pool as it was', () => {
    const pool = new BytesPool({ minSize: 16, maxSize: 1024, debug: true });
    const buf = pool.get(64);
    putUntilPooled(pool, buf);
    const before = JSON.stringify(pool.stats().classes);
    assert.throws(() => pool.put(buf), /already in the pool/);
    assert.equal(JSON.stringify(pool.stats().classes), before);
    assert.equal(pool.stats().rejected.alreadyPooled, 1, 'counted where rejections are counted');
    assert.equal(pool.get(64), buf, 'still pooled, fill intact');
  });

  test('debug off: put leaves the bytes alone and a write after put goes unnoticed', () => {
    const pool = new BytesPool({ minSize: 16, maxSize: 1024, debug: false });
    const buf = pool.get(64);
    buf.fill(7);
    pool.put(buf);
    assert.equal(buf[0], 7, 'no fill');
    buf[0] = 8;
    assert.equal(pool.get(64), buf);
  });
});

test('SYNCPOOL_DEBUG=1 turns the check on for BytesPool, the default instance included', () => {
  const index = fileURLToPath(new URL('../src/index.ts', import.meta.url));
  const script = `
    const { bytesPool, BytesPool } = await import(${JSON.stringify(index)});
    const caught = [];
    for (const pool of [bytesPool, new BytesPool()]) {
      const buf = pool.get(100);
      Math.random = () => 0.99; // no random drop: the put keeps buf
      pool.put(buf);
      buf[0] = 0;
      try { pool.get(100); caught.push('no error'); } catch (e) { caught.push(e.name + ' ' + e.pool); }
    }
    console.log(caught.join(', '));
  `;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, SYNCPOOL_DEBUG: '1' },
    encoding: 'utf8',
  });
  assert.equal(child.stdout.trim(), 'PoolError bytesPool, PoolError BytesPool');
});

test("the default follows this process's SYNCPOOL_DEBUG", () => {
  const debug = process.env.SYNCPOOL_DEBUG === '1';
  const pool = new BytesPool();
  const buf = pool.get(100);
  putUntilPooled(pool, buf);
  buf[0] = 1;
  if (debug) assert.throws(() => pool.get(100), PoolError);
  else assert.equal(pool.get(100), buf, 'no fill, no check');
});
