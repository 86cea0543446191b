/**
 * Reading `go tool objdump` output the way exercise 5 reads TurboFan's: each instruction with the
 * source line it comes from, the steps of a function located by the text of their source lines
 * (read from the Go installation's own source, so another Go version's line numbers work too),
 * and the functions a root can reach by direct calls, with their atomic read-modify-writes.
 */
import { readFile } from 'node:fs/promises';

export interface GoInstruction {
  /** The source file's base name and line, as objdump prints them: "pool.go", 132. */
  file: string;
  line: number;
  address: string;
  /** The instruction itself, without its encoding: "MOVQ 0(AX), CX". */
  text: string;
}

export interface GoFunction {
  name: string;
  /** The source file objdump names on the function's TEXT line. */
  path: string;
  instructions: GoInstruction[];
}

/** Parses objdump's text: "TEXT sym(SB) path" headers, then "file:line address encoding instruction" rows. */
export function parseObjdump(text: string): Map<string, GoFunction> {
  const functions = new Map<string, GoFunction>();
  let current: GoFunction | undefined;
  for (const row of text.split('\n')) {
    const header = /^TEXT (\S+)\(SB\) (\S+)/.exec(row);
    if (header !== null) {
      functions.set(header[1]!, current = { name: header[1]!, path: header[2]!, instructions: [] });
      continue;
    }
    const m = /^\s+(\S+):(\d+)\s+(0x[0-9a-f]+)\s+[0-9a-f]+\s+(.+?)\s*$/.exec(row);
    if (m !== null) current?.instructions.push({ file: m[1]!, line: Number(m[2]), address: m[3]!, text: m[4]!.replace(/\s+/g, ' ') });
  }
  return functions;
}

/** An atomic read-modify-write on x86: LOCK-prefixed, or XCHG with memory (locked implicitly). */
export const isLocked = (i: GoInstruction): boolean => /^LOCK\b|^XCHG/.test(i.text);

/**
 * The symbol a direct CALL or tail JMP names ("CALL sync.(*Pool).pin(SB)" → "sync.(*Pool).pin"),
 * or whose address a LEAQ takes: how a deferred closure (pinSlow's Unlock) is reached.
 */
const target = (i: GoInstruction) => /^(?:CALL|JMP|LEAQ) ([^\s,]+)\(SB\)/.exec(i.text)?.[1];

export interface Reached {
  fn: GoFunction;
  /** How it is reached from a root: ["sync.(*Pool).Get", "sync.(*Pool).getSlow", ...], the root first. */
  via: string[];
}

/**
 * Every function of `functions` that `roots` reach by direct calls or by taking its address,
 * breadth first, each with the shortest chain to it. Calls out of `functions` (the runtime's scheduler, write barrier
 * and semaphores, when only package sync was dumped) are not followed, and neither are indirect
 * calls (Pool.New through a register).
 */
export function reachable(functions: ReadonlyMap<string, GoFunction>, roots: readonly string[]): Reached[] {
  const seen = new Map<string, Reached>();
  const queue: Reached[] = [];
  for (const root of roots) {
    const fn = functions.get(root);
    if (fn !== undefined && !seen.has(root)) {
      const r = { fn, via: [root] };
      seen.set(root, r);
      queue.push(r);
    }
  }
  while (queue.length > 0) {
    const r = queue.shift()!;
    for (const i of r.fn.instructions) {
      const name = target(i);
      const fn = name === undefined ? undefined : functions.get(name);
      if (fn === undefined || seen.has(fn.name)) continue;
      const next = { fn, via: [...r.via, fn.name] };
      seen.set(fn.name, next);
      queue.push(next);
    }
  }
  return [...seen.values()];
}

export interface Step {
  label: string;
  /** The source line's text, trimmed, that the step compiles from; the first such line in the function. */
  source: string;
  /** Explains the step's instructions; gets them, so that what it says is read from them. */
  explain?: (instructions: readonly GoInstruction[]) => string;
}

export interface AnnotatedStep {
  label: string;
  /** "pool.go:132 `x := l.private`", or why not found. */
  where: string;
  instructions: GoInstruction[];
  note: string;
}

/**
 * Locates each step of `fn` by its source text among the lines the function's instructions come
 * from, and returns every instruction of that line. `sourceText` is the text of fn.path.
 */
export function annotate(fn: GoFunction, sourceText: string, steps: readonly Step[]): AnnotatedStep[] {
  const lines = sourceText.split('\n');
  const file = fn.path.split('/').at(-1)!;
  const used = [...new Set(fn.instructions.filter((i) => i.file === file).map((i) => i.line))].sort((a, b) => a - b);
  return steps.map((step) => {
    const line = used.find((n) => lines[n - 1]?.trim() === step.source);
    const instructions = line === undefined ? [] : fn.instructions.filter((i) => i.file === file && i.line === line);
    return {
      label: step.label,
      where: line === undefined ? `\`${step.source}\` not found in ${file}` : `${file}:${line} \`${step.source}\``,
      instructions,
      note: step.explain === undefined || instructions.length === 0 ? '' : step.explain(instructions),
    };
  });
}

/** The function's returns: each RET with the source line it comes from. */
export function returnsOf(fn: GoFunction, sourceText: string): AnnotatedStep {
  const lines = sourceText.split('\n');
  const rets = fn.instructions.filter((i) => i.text === 'RET');
  const at = [...new Set(rets.map((i) => `${i.file}:${i.line}${i.file === fn.path.split('/').at(-1) ? ` \`${lines[i.line - 1]?.trim() ?? ''}\`` : ''}`))];
  return { label: 'return', where: at.length === 0 ? 'no RET found' : at.join(', '), instructions: rets, note: '' };
}

/**
 * What a write barrier check in `instructions` does, from the instructions found: the test of
 * runtime.writeBarrier and the call taken when it is set.
 */
export function writeBarrierNote(instructions: readonly GoInstruction[]): string {
  const check = instructions.find((i) => i.text.includes('runtime.writeBarrier(SB)'));
  const call = instructions.find((i) => /^CALL runtime\.gcWriteBarrier/.test(i.text));
  if (check === undefined) return 'No write barrier check on this line: every store is a plain MOVQ.';
  return `\`${check.text}\` tests runtime.writeBarrier, the flag the GC sets while it marks. When it is clear (almost ` +
    'always) the pointer word is stored with a plain MOVQ; when it is set, ' +
    (call === undefined ? 'no call was found on this line.' : `\`${call.text}\` does the store and records the pointers ` +
      'in the P\'s write barrier buffer, so that the concurrent marker does not lose the object; it calls into ' +
      'the GC only when that buffer is full.') + ' Either way no LOCK-prefixed instruction.';
}

/** The source text of each file the functions name, read once; a file that cannot be read is ''. */
export async function sources(functions: Iterable<GoFunction>): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const fn of functions) {
    if (!texts.has(fn.path)) texts.set(fn.path, await readFile(fn.path, 'utf8').catch(() => ''));
  }
  return texts;
}
