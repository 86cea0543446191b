/**
 * The success path through a TurboFan listing, found mechanically (exercise 5): the shortest
 * path in instructions from the function's entry to a `ret` that passes through a given
 * instruction (the load of the private slot). Edges are fall-through and jumps to labels inside
 * the function (`<+0x..>`); deoptimization exits and jumps to builtins end a path, since the
 * success path never leaves the optimized code. Calls return, so they fall through: a call on
 * the path is reported, not hidden.
 *
 * This is the seed's "trace through the basic blocks until the first branch to the slow path",
 * done by a breadth-first search instead of by eye.
 */
import type { CodeListing, Instruction } from 'syncpool-bench';

const LABEL = /<\+0x([0-9a-f]+)>/;

const isReturn = (i: Instruction) => i.mnemonic.startsWith('ret');
const isDeoptExit = (i: Instruction) => i.mnemonic === 'call' && i.comments.some((c) => c.includes('deopt'));

function successors(i: Instruction, next: Instruction | undefined): number[] {
  if (isReturn(i) || isDeoptExit(i)) return [];
  const label = LABEL.exec(i.operands);
  const target = label === null ? undefined : parseInt(label[1]!, 16);
  if (i.mnemonic === 'jmp') return target === undefined ? [] : [target];
  const fall = next === undefined ? [] : [next.offset];
  if (i.mnemonic.startsWith('j')) return target === undefined ? fall : [...fall, target];
  return fall;
}

export function successPath(listing: CodeListing, through: (i: Instruction) => boolean): Instruction[] | undefined {
  const byOffset = new Map(listing.instructions.map((i, n) => [i.offset, n]));
  const code = listing.instructions;
  // State: (instruction index, passed `through` yet). BFS gives the shortest path.
  const key = (n: number, passed: boolean) => 2 * n + (passed ? 1 : 0);
  const parent = new Map<number, number>();
  const start = key(0, through(code[0]!));
  parent.set(start, -1);
  const queue = [start];
  for (let q = 0; q < queue.length; q++) {
    const state = queue[q]!;
    const n = state >> 1;
    const passed = (state & 1) === 1;
    const ins = code[n]!;
    if (passed && isReturn(ins)) {
      const path: Instruction[] = [];
      for (let s = state; s !== -1; s = parent.get(s)!) path.push(code[s >> 1]!);
      return path.reverse();
    }
    for (const offset of successors(ins, code[n + 1])) {
      const m = byOffset.get(offset);
      if (m === undefined) continue;
      const next = key(m, passed || through(code[m]!));
      if (!parent.has(next)) {
        parent.set(next, state);
        queue.push(next);
      }
    }
  }
  return undefined;
}

/** One line per instruction, as V8 printed it, with the source it came from. */
export function formatInstruction(i: Instruction, note = ''): string {
  const text = [...i.prefixes, i.mnemonic, i.operands, i.annotation ?? ''].filter((s) => s !== '').join(' ');
  const source = i.source === undefined ? '' : `  // ${i.source.text.split('\n')[0]!.slice(0, 40)}`;
  return `+0x${i.offset.toString(16).padStart(3, '0')}  ${text.padEnd(48)}${source}${note === '' ? '' : `   <== ${note}`}`;
}
