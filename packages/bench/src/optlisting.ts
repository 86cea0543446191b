// Parses V8's `--print-opt-code --print-opt-source` output (x64) into listings per function.
//
// The text comes in blocks:
//   --- FUNCTION SOURCE (script:name) id{optId,inlineIndex} start{offset} ---  source  --- END ---
//   --- Raw source --- ... --- Optimized code --- key = value lines, "Instructions (size = n)",
//   one line per instruction, "Source positions:" (pc offset → script offset), "Inlined
//   functions (count = n)", ... --- End code ---
// Anything else (the script's own output) is ignored.

export interface Instruction {
  address: string;
  /** Offset from the start of the code object. */
  offset: number;
  bytes: string;
  /** Prefixes as V8 prints them before the mnemonic, e.g. ['lock', 'REX.W']. */
  prefixes: string[];
  mnemonic: string;
  operands: string;
  /** V8's parenthesised note after the operands: a builtin name, a root, an external reference. */
  annotation?: string;
  /** The builtin a call or jump goes to, e.g. 'AtomicsAdd'. */
  builtin?: string;
  /** The ';;' comments V8 printed for the instruction (deopt positions and reasons, objects). */
  comments: string[];
  /** Script offset of the source this instruction was generated for (the Source positions table). */
  position?: number;
  /** Source text at `position`: the enclosing function (own or inlined), from --print-opt-source. */
  source?: { function: string; script: string; text: string };
  /** A lock-prefixed instruction, or xchg with a memory operand (implicitly locked). */
  locked: boolean;
}

export interface CodeListing {
  name: string;
  /** The script the function comes from, as V8 names it (a path, or node:... for Node's own). */
  script: string;
  kind: string;
  optimizationId: number;
  /** Script offset where the function starts. */
  sourcePosition: number;
  source: string;
  inlined: string[];
  instructions: Instruction[];
  /** Instructions with a lock prefix or an implicitly locked xchg. */
  locked: Instruction[];
  /** Calls and jumps to builtins whose names match the flag pattern (default /^Atomics/). */
  flaggedCalls: Instruction[];
}

interface FunctionSource { optimizationId: number; inlineIndex: number; script: string; name: string; start: number; text: string }

const INSTRUCTION = /^(0x[0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+(.*)$/;
const FUNCTION_SOURCE = /^--- FUNCTION SOURCE \((.*):([^:()]*)\) id\{(\d+),(-?\d+)\} start\{(\d+)\} ---$/;
const PREFIXES = new Set(['lock', 'REX.W', 'rep', 'repe', 'repne', 'repz', 'repnz', 'cs', 'ds', 'es', 'fs', 'gs', 'ss']);

export function parseInstruction(line: string): Instruction | undefined {
  const m = INSTRUCTION.exec(line);
  if (m === null) return undefined;
  const [, address = '', offset = '', bytes = '', rest = ''] = m;
  const commentAt = rest.indexOf(';;');
  const code = (commentAt < 0 ? rest : rest.slice(0, commentAt)).trim();
  const comments = commentAt < 0 ? [] : [rest.slice(commentAt + 2).trim()];
  const words = code.split(/\s+/);
  const prefixes: string[] = [];
  while (words.length > 1 && PREFIXES.has(words[0] ?? '')) prefixes.push(words.shift() ?? '');
  const mnemonic = words.shift() ?? '';
  const text = words.join(' ');
  const noteAt = text.indexOf(' (');
  const operands = noteAt < 0 ? text : text.slice(0, noteAt);
  const annotation = noteAt < 0 ? undefined : text.slice(noteAt + 1);
  const builtinName = /^(call|jmp|j[a-z]+)$/.test(mnemonic) ? /^\((\w+)\)$/.exec(annotation ?? '')?.[1] : undefined;
  const instruction: Instruction = {
    address, offset: parseInt(offset, 16), bytes, prefixes, mnemonic, operands, comments,
    locked: prefixes.includes('lock') || (mnemonic.startsWith('xchg') && operands.includes('[')),
  };
  if (annotation !== undefined) instruction.annotation = annotation;
  if (builtinName !== undefined) instruction.builtin = builtinName;
  return instruction;
}

function parseSourcePositions(lines: string[], from: number): Array<[number, number]> {
  const table: Array<[number, number]> = [];
  for (let i = from; i < lines.length; i++) {
    const m = /^\s*([0-9a-f]+)\s+(\d+)\s*$/.exec(lines[i] ?? '');
    if (m === null) break;
    table.push([parseInt(m[1] ?? '', 16), Number(m[2])]);
  }
  return table;
}

// The narrowest function of this optimization that spans the position: an inlined callee
// lies inside no other, so the narrowest one is where the code came from (when the callee is
// in another script its offsets could overlap, hence the script name in the result).
function sourceAt(position: number, functions: FunctionSource[]): Instruction['source'] {
  let best: FunctionSource | undefined;
  for (const f of functions) {
    if (position < f.start || position >= f.start + f.text.length) continue;
    if (best === undefined || f.text.length < best.text.length) best = f;
  }
  if (best === undefined) return undefined;
  const text = best.text.slice(position - best.start).split('\n')[0]?.slice(0, 60) ?? '';
  return { function: best.name, script: best.script, text };
}

function parseBlock(lines: string[], sources: FunctionSource[]): CodeListing {
  const header = new Map<string, string>();
  const instructions: Instruction[] = [];
  const inlined: string[] = [];
  let positions: Array<[number, number]> = [];
  const rawStart = lines.indexOf('--- Raw source ---');
  const codeStart = lines.indexOf('--- Optimized code ---');
  const source = lines.slice(rawStart + 1, codeStart).join('\n').trim();
  let section: 'header' | 'instructions' | 'inlined' | 'other' = 'header';
  for (let i = codeStart + 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.startsWith('Instructions (size')) section = 'instructions';
    else if (line.startsWith('Source positions:')) { positions = parseSourcePositions(lines, i + 2); section = 'other'; }
    else if (line.startsWith('Inlined functions')) section = 'inlined';
    else if (line.trim() === '') { if (section === 'inlined') section = 'other'; }
    else if (section === 'header') {
      const kv = /^(\w+) = (.*)$/.exec(line);
      if (kv !== null) header.set(kv[1] ?? '', kv[2] ?? '');
    } else if (section === 'instructions') {
      const ins = parseInstruction(line);
      if (ins !== undefined) instructions.push(ins);
      else if (line.trim().startsWith(';;')) instructions.at(-1)?.comments.push(line.trim().slice(2).trim());
    } else if (section === 'inlined') {
      const m = /<SharedFunctionInfo\s*(.*)>/.exec(line);
      if (m !== null) inlined.push(m[1] ?? '');
    }
  }
  const optimizationId = Number(header.get('optimization_id') ?? -1);
  const mine = sources.filter((f) => f.optimizationId === optimizationId);
  const own = mine.find((f) => f.inlineIndex === -1);
  // Invariant: positions are sorted by pc offset; an instruction belongs to the last entry at
  // or before its offset.
  let p = -1;
  for (const ins of instructions) {
    while (p + 1 < positions.length && (positions[p + 1]?.[0] ?? Infinity) <= ins.offset) p++;
    const position = positions[p]?.[1];
    if (position === undefined) continue;
    ins.position = position;
    const at = sourceAt(position, mine);
    if (at !== undefined) ins.source = at;
  }
  return {
    name: header.get('name') ?? '',
    script: own?.script ?? '',
    kind: header.get('kind') ?? '',
    optimizationId,
    sourcePosition: Number(header.get('source_position') ?? -1),
    source,
    inlined,
    instructions,
    locked: instructions.filter((ins) => ins.locked),
    flaggedCalls: [],
  };
}

function parseFunctionSources(lines: string[]): FunctionSource[] {
  const found: FunctionSource[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = FUNCTION_SOURCE.exec(lines[i] ?? '');
    if (m === null) continue;
    const end = lines.indexOf('--- END ---', i + 1);
    if (end < 0) break;
    found.push({
      script: m[1] ?? '', name: m[2] ?? '', optimizationId: Number(m[3]), inlineIndex: Number(m[4]), start: Number(m[5]),
      text: lines.slice(i + 1, end).join('\n'),
    });
    i = end;
  }
  return found;
}

/** Every optimized-code listing in the text of one isolate, in the order V8 printed them. */
export function parseOptCode(text: string, flagCalls: RegExp = /^Atomics/): CodeListing[] {
  const lines = text.split(/\r?\n/);
  const sources = parseFunctionSources(lines);
  const listings: CodeListing[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '--- Raw source ---') continue;
    const end = lines.indexOf('--- End code ---', i + 1);
    if (end < 0) break;
    const listing = parseBlock(lines.slice(i, end), sources);
    listing.flaggedCalls = listing.instructions.filter((ins) => ins.builtin !== undefined && flagCalls.test(ins.builtin));
    listings.push(listing);
    i = end;
  }
  return listings;
}
