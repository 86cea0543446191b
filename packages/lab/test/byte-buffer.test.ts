import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ByteBuffer } from '../src/lib/byte-buffer.js';

test('writeString encodes exactly as TextEncoder does, across growths', () => {
  const encoder = new TextEncoder();
  fc.assert(fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 20 }), (parts) => {
    const b = new ByteBuffer();
    for (const p of parts) b.writeString(p);
    const expected = encoder.encode(parts.join(''));
    assert.equal(b.length, expected.byteLength);
    assert.equal(b.toString(), new TextDecoder().decode(expected));
  }));
});

test('lone surrogates become U+FFFD, as TextEncoder writes them', () => {
  const b = new ByteBuffer();
  b.writeString('a\ud800b\udc00');
  assert.equal(b.length, new TextEncoder().encode('a\ud800b\udc00').byteLength);
  assert.equal(b.toString(), 'a\ufffdb\ufffd');
});

test('format(100) as in the seed, and reset keeps the capacity', () => {
  const b = new ByteBuffer();
  for (let i = 0; i < 100; i++) {
    b.writeString(String(i));
    b.writeByte(0x2c);
  }
  assert.equal(b.toString(), `${Array.from({ length: 100 }, (_, i) => i).join(',')},`);
  const capacity = b.capacity;
  assert.ok(capacity >= 290);
  b.reset();
  assert.equal(b.length, 0);
  assert.equal(b.capacity, capacity);
  assert.equal(b.toString(), '');
});

test('the first write allocates 64 bytes, like bytes.Buffer', () => {
  const b = new ByteBuffer();
  assert.equal(b.capacity, 0);
  b.writeByte(1);
  assert.equal(b.capacity, 64);
});

test('bad input throws a typed error and leaves the buffer unchanged', () => {
  const b = new ByteBuffer();
  b.writeString('ok');
  for (const bad of [256, -1, 1.5, Number.NaN]) assert.throws(() => b.writeByte(bad), RangeError);
  assert.throws(() => b.writeString(42 as unknown as string), TypeError);
  assert.equal(b.toString(), 'ok');
});
