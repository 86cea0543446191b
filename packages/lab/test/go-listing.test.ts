// The Go listing reader of exercise 5: objdump rows parsed with their source lines, steps found
// by source text, and the locked instructions of every function reachable from the roots, with
// a gallery of listings it must not misread.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { annotate, isLocked, parseObjdump, reachable, returnsOf, writeBarrierNote } from '../src/lib/go-listing.js';

const source = ['package sync', 'func (p *Pool) Get() any {', '\tl, pid := p.pin()', '\tx := l.private', '\tl.private = nil', '\treturn x', '}'].join('\n');
const dump = [
  'TEXT sync.(*Pool).Get(SB) /go/src/sync/pool.go',
  '  pool.go:3\t\t0x10\t\te800000000\t\tCALL sync.(*Pool).pin(SB)\t\t',
  '  pool.go:4\t\t0x15\t\t488b08\t\tMOVQ 0(AX), CX\t\t',
  '  pool.go:5\t\t0x18\t\t48c70000000000\t\tMOVQ $0x0, 0(AX)\t\t',
  '  pool.go:5\t\t0x1f\t\t833d00000000\t\tCMPL $0x0, runtime.writeBarrier(SB)\t',
  '  pool.go:5\t\t0x26\t\te800000000\t\tCALL runtime.gcWriteBarrierSI(SB)\t',
  '  pool.go:6\t\t0x2b\t\tc3\t\tRET\t\t',
  'TEXT sync.(*Pool).pin(SB) /go/src/sync/pool.go',
  '  pool.go:9\t\t0x40\t\t488d0500000000\t\tLEAQ sync.(*Pool).pin.func1(SB), AX\t',
  'TEXT sync.(*Pool).pin.func1(SB) /go/src/sync/pool.go',
  '  mutex.go:83\t\t0x60\t\tf00fb132\t\tLOCK CMPXCHGL SI, 0(DX)\t\t',
  '  pool.go:232\t\t0x64\t\t48874a08\t\tXCHGQ CX, 0x8(DX)\t\t',
  'TEXT sync.unreached(SB) /go/src/sync/pool.go',
  '  pool.go:300\t\t0x80\t\tf00fc102\t\tLOCK XADDL AX, 0(DX)\t\t',
].join('\n');

test('objdump rows keep their source line, address and instruction', () => {
  const fns = parseObjdump(dump);
  assert.deepEqual([...fns.keys()], ['sync.(*Pool).Get', 'sync.(*Pool).pin', 'sync.(*Pool).pin.func1', 'sync.unreached']);
  assert.deepEqual(fns.get('sync.(*Pool).Get')!.instructions[1], { file: 'pool.go', line: 4, address: '0x15', text: 'MOVQ 0(AX), CX' });
  assert.equal(fns.get('sync.(*Pool).Get')!.path, '/go/src/sync/pool.go');
});

test('reachable follows calls and taken addresses, not unrelated functions; the locked ones are LOCK and XCHG', () => {
  const reached = reachable(parseObjdump(dump), ['sync.(*Pool).Get']);
  assert.deepEqual(reached.map((r) => r.via.join(' > ')),
    ['sync.(*Pool).Get', 'sync.(*Pool).Get > sync.(*Pool).pin', 'sync.(*Pool).Get > sync.(*Pool).pin > sync.(*Pool).pin.func1']);
  const locked = reached.flatMap((r) => r.fn.instructions.filter(isLocked).map((i) => `${i.file}:${i.line}`));
  assert.deepEqual(locked, ['mutex.go:83', 'pool.go:232']);
  assert.equal(isLocked({ file: 'x.go', line: 1, address: '0x0', text: 'MOVQ CX, 0(AX)' }), false);
});

test('steps are found by their source text, with every instruction of the line; a missing one says so', () => {
  const get = parseObjdump(dump).get('sync.(*Pool).Get')!;
  const [pin, load, clear, missing] = annotate(get, source, [
    { label: 'pin', source: 'l, pid := p.pin()' },
    { label: 'load', source: 'x := l.private' },
    { label: 'clear', source: 'l.private = nil', explain: writeBarrierNote },
    { label: 'nil check', source: 'if x == nil {' },
  ]);
  assert.equal(pin!.where, 'pool.go:3 `l, pid := p.pin()`');
  assert.deepEqual(load!.instructions.map((i) => i.text), ['MOVQ 0(AX), CX']);
  assert.equal(clear!.instructions.length, 3);
  assert.match(clear!.note, /tests runtime\.writeBarrier.*CALL runtime\.gcWriteBarrierSI/);
  assert.deepEqual(missing!.instructions, []);
  assert.match(missing!.where, /not found/);
  assert.equal(returnsOf(get, source).where, 'pool.go:6 `return x`');
  // The same check without a barrier call, and a line without the check, say what they hold.
  assert.match(writeBarrierNote(clear!.instructions.slice(0, 2)), /no call was found/);
  assert.match(writeBarrierNote(load!.instructions), /No write barrier check/);
});
