import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseOptCode, type CodeListing } from 'syncpool-bench';
import { successPath } from '../src/lib/hot-path.js';

// A hand-made listing in V8's --print-opt-code shape: entry, a stack check whose slow branch
// calls the runtime, a private-slot load, an empty check whose slow branch deoptimizes, a clear
// and a return; plus a slow branch with a lock-prefixed instruction.
const LISTING = `
--- Raw source ---
() { ... }
--- Optimized code ---
optimization_id = 1
source_position = 0
kind = TURBOFAN
name = get
compiler = turbofan
Instructions (size = 64)
0x1000     0  4889e5         REX.W movq rbp,rsp
0x1003     3  483b65a0       REX.W cmpq rsp,[r13-0x60]
0x1007     7  0f8620000000   jna 0x102d  <+0x2d>
0x100d     d  488b4a1f       REX.W movq rcx,[rdx+0x1f]
0x1011    11  4885c9         REX.W testq rcx,rcx
0x1014    14  0f8420000000   jz 0x1038  <+0x38>
0x101a    1a  c7421f00000000 movl [rdx+0x1f],0x0
0x1021    21  c3             ret
0x1022    22  f00fb10a       lock cmpxchgl [rdx],rcx
0x1026    26  c3             ret
0x102d    2d  e800000000     call 0x2000  (CEntry_Return1_ArgvOnStack_NoBuiltinExit)
0x1032    32  e9d6ffffff     jmp 0x100d  <+0xd>
0x1038    38  41ff55c8       call [r13-0x38]    ;; debug: deopt reason 'wrong map'
--- End code ---
`;

function listing(): CodeListing {
  const l = parseOptCode(LISTING)[0];
  assert.ok(l !== undefined, 'the fixture parses as one listing');
  return l;
}

test('successPath finds the shortest entry-to-ret path through the given instruction', () => {
  const path = successPath(listing(), (i) => i.operands === 'rcx,[rdx+0x1f]');
  assert.deepEqual(path?.map((i) => i.offset), [0x0, 0x3, 0x7, 0xd, 0x11, 0x14, 0x1a, 0x21]);
  assert.ok(path?.every((i) => !i.locked));
});

test('successPath follows jumps, ends paths at deopt exits, and gives up when no ret is reachable', () => {
  // Through the runtime call: the stack-check branch rejoins at +0xd and reaches the ret.
  const viaCall = successPath(listing(), (i) => i.mnemonic === 'call' && i.builtin !== undefined);
  assert.deepEqual(viaCall?.map((i) => i.offset), [0x0, 0x3, 0x7, 0x2d, 0x32, 0xd, 0x11, 0x14, 0x1a, 0x21]);
  // The lock cmpxchg is unreachable from the entry (nothing jumps to +0x22).
  assert.equal(successPath(listing(), (i) => i.locked), undefined);
});
