/**
 * Exercise 5: read TurboFan's machine code for get and put, and check that the success path has
 * no atomic (lock-prefixed) instruction, while the steal path's CAS does.
 */
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { optimizedCode, type CodeListing, type Instruction } from 'syncpool-bench';
import type { Artifact, Exercise, Judgement, Result, Table } from '../exercise.js';
import { builtinCode, type BuiltinCode } from '../lib/builtin-disasm.js';
import { goMeasure, goObjdump, goPresent, type GoRun, type GoSection } from '../lib/go.js';
import { annotate, isLocked, reachable, returnsOf, sources, writeBarrierNote, type GoFunction, type GoInstruction, type Step } from '../lib/go-listing.js';
import { formatInstruction, successPath } from '../lib/hot-path.js';
import { count } from '../lib/words.js';

const here = dirname(fileURLToPath(import.meta.url));
const script = (name: string) => join(here, '..', 'scripts', `${name}${extname(fileURLToPath(import.meta.url))}`);

/**
 * What to point at on a success path. Landmarks are found in order, each after the previous one,
 * and may refer to the ones found before (the clear writes the address the load read).
 */
interface Landmark {
  label: string;
  /** `before`: the landmarks found so far; `previous`: the instruction before `i` on the path. */
  matches: (i: Instruction, before: readonly Instruction[], previous: Instruction | undefined) => boolean;
}

interface Subject {
  title: string;
  fn: string;
  listing: CodeListing;
  /** An instruction the success path must pass through. */
  through: (i: Instruction) => boolean;
  landmarks: Landmark[];
}

const src = (i: Instruction, re: RegExp) => re.test(i.source?.text ?? '');
const memory = (i: Instruction | undefined) => /\[[^\]]+\]/.exec(i?.operands ?? '')?.[0];
const isMov = (i: Instruction) => i.mnemonic.startsWith('mov');
/** A load from an object field (not a spill slot on the stack: [rbp±..], [rsp±..]). */
const isLoad = (i: Instruction) => isMov(i) && /,\[(?!rbp|rsp)\w+\+/.test(i.operands);
const isStore = (i: Instruction) => isMov(i) && /^\[/.test(i.operands);
/** Typed-array element accesses: an [base+index*4] operand. */
const ELEMENT = /\[\w+\+\w+\*4\]/;
const isElementLoad = (i: Instruction) => isMov(i) && /^\w+,/.test(i.operands) && ELEMENT.test(i.operands);
const isElementStore = (i: Instruction) => isStore(i) && ELEMENT.test(i.operands);
const isBranch = (i: Instruction) => i.mnemonic.startsWith('j') && i.mnemonic !== 'jmp';
const emptyCheck: Landmark = { label: 'empty check', matches: isBranch };
/** TurboFan may fold the private slot's load into its test: cmpl [slot],0x0. */
const isFoldedSlotTest = (i: Instruction) => i.mnemonic.startsWith('cmp') && ELEMENT.test(i.operands) && i.operands.endsWith(',0x0');
/** SharedPool's private slot, read either way: a load into a register, or a compare folded with it. */
const loadsSlot = (i: Instruction) => isElementLoad(i) || isFoldedSlotTest(i);
/** The branch that tests what the slot load read: right after a folded compare, or after a test of the loaded register. */
const slotEmptyCheck: Landmark = {
  label: 'empty check',
  matches: (i, [load], previous) => {
    if (!isBranch(i) || load === undefined || previous === undefined) return false;
    if (previous === load) return isFoldedSlotTest(load);
    const register = load.operands.split(',')[0]!;
    return /^(test|cmp)/.test(previous.mnemonic) && previous.operands.startsWith(`${register},`);
  },
};
const returns: Landmark = { label: 'return', matches: (i) => i.mnemonic.startsWith('ret') };

export interface PathCheck {
  subject: string;
  found: boolean;
  instructions: number;
  locked: number;
  atomicsCalls: number;
  calls: string[];
  /** Landmarks in path order; a landmark not found is missing. */
  landmarks: { label: string; at?: Instruction }[];
  text: string;
}

export function checkSuccessPath(s: Subject): PathCheck {
  const path = successPath(s.listing, s.through) ?? [];
  const found: Instruction[] = [];
  let from = 0;
  const landmarks = s.landmarks.map((l) => {
    const index = path.findIndex((i, n) => n >= from && l.matches(i, found, path[n - 1]));
    if (index < 0) return { label: l.label };
    found.push(path[index]!);
    from = index + 1;
    return { label: l.label, at: path[index]! };
  });
  const noteOf = (i: Instruction) => landmarks.filter((l) => l.at === i).map((l) => l.label).join('; ');
  return {
    subject: s.title,
    found: path.length > 0,
    instructions: path.length,
    locked: path.filter((i) => i.locked).length,
    atomicsCalls: path.filter((i) => i.builtin !== undefined && /^Atomics/.test(i.builtin)).length,
    calls: path.filter((i) => i.mnemonic === 'call').map((i) => i.builtin ?? i.operands),
    landmarks,
    text: path.map((i) => formatInstruction(i, noteOf(i))).join('\n'),
  };
}

/** What the verdict reads of the listings: per success path, and of the steal path. */
export interface FastPathFindings {
  paths: { subject: string; found: boolean; instructions: number; locked: number; atomicsCalls: number; missing: string[] }[];
  stealChain: string;
  /** Call sites of AtomicsCompareExchange on the steal path. */
  casCalls: number;
  /** lock cmpxchg instructions in V8's AtomicsCompareExchange builtin, or why it was not disassembled. */
  builtin: { locked: number } | { why: string };
}

/**
 * The seed's quantity is LOCK-prefixed instructions on the success branch, and its landmarks
 * (private load, nil check, clear and return) must be found. In V8 an atomic operation is a call
 * to an Atomics builtin, never an inlined instruction, so such calls count as atomics too.
 */
export function judgeFastPath(f: FastPathFindings): Judgement {
  const clean = f.paths.every((p) => p.found && p.locked === 0 && p.atomicsCalls === 0);
  const missing = f.paths.flatMap((p) => p.missing.map((m) => `${p.subject}: ${m}`));
  const holds = clean && missing.length === 0 && f.casCalls > 0;
  const counts = f.paths.map((p) => `${p.subject} ${p.found ? `${p.instructions} instructions, ${p.locked} lock-prefixed, ` +
    `${p.atomicsCalls} Atomics calls` : 'no path found'}`).join('; ');
  const builtin = 'locked' in f.builtin ? `, whose code holds ${f.builtin.locked} lock cmpxchg instructions` : `; ${f.builtin.why}`;
  return {
    verdict: holds ? 'holds' : 'does not hold',
    reason: holds
      ? `No lock-prefixed instruction on any success path, and no call to an Atomics builtin (V8's only way to an ` +
        `atomic instruction), and every landmark was found (${counts}). The steal path (${f.stealChain}) calls ` +
        `AtomicsCompareExchange (${f.casCalls} call site${f.casCalls === 1 ? '' : 's'})${builtin}.`
      : [clean ? '' : `a success path has a lock-prefixed instruction or an Atomics call, or no path was found (${counts})`,
          missing.length > 0 ? `landmarks not found: ${missing.join(', ')}` : '',
          f.casCalls === 0 ? `the steal path (${f.stealChain}) calls no AtomicsCompareExchange` : '']
        .filter((x) => x !== '').join('; ') + '.',
  };
}

/** Get's and Put's steps, by the text of their source lines in src/sync/pool.go. */
const GO_STEPS: Record<string, Step[]> = {
  'sync.(*Pool).Get': [
    { label: 'pin the goroutine to its P', source: 'l, pid := p.pin()' },
    { label: 'load the private slot (two words: an interface)', source: 'x := l.private' },
    { label: 'clear the private slot', source: 'l.private = nil', explain: writeBarrierNote },
    { label: 'nil check', source: 'if x == nil {' },
    { label: 'unpin', source: 'runtime_procUnpin()' },
  ],
  'sync.(*Pool).Put': [
    { label: 'nil check of x', source: 'if x == nil {' },
    { label: 'pin the goroutine to its P', source: 'l, _ := p.pin()' },
    { label: 'check the private slot is empty', source: 'if l.private == nil {' },
    { label: 'store into the private slot', source: 'l.private = x', explain: writeBarrierNote },
    { label: 'unpin', source: 'runtime_procUnpin()' },
  ],
};

const GET_PUT = Object.keys(GO_STEPS);

/** Get's load of the private slot in words, from its instructions: "2 plain MOVQ loads". */
function privateLoad(functions: ReadonlyMap<string, GoFunction>, texts: ReadonlyMap<string, string>): string {
  const get = functions.get('sync.(*Pool).Get');
  const load = get === undefined ? [] : annotate(get, texts.get(get.path) ?? '', [GO_STEPS['sync.(*Pool).Get']![1]!])[0]!.instructions;
  if (load.length === 0) return 'a private slot load not found in the listing';
  const plain = load.every((i) => /^MOV/.test(i.text) && !isLocked(i));
  return `${count(load.length, 'instruction')} for the private slot load (${plain ? 'all plain MOVs' : load.map((i) => i.text).join('; ')})`;
}

/** go tool objdump of package sync and sync/atomic, parsed, with the Go installation's source files it names. */
interface GoObjdump {
  text: string;
  functions: Map<string, GoFunction>;
  texts: Map<string, string>;
}

async function goObjdumpOfSync(): Promise<GoObjdump> {
  const { text, functions } = await goObjdump('fastpath', String.raw`^sync(/atomic)?\.`);
  return { text, functions, texts: await sources(functions.values()) };
}

/**
 * The seed's steps in Go: Get's and Put's steps annotated, and the atomic read-modify-writes of
 * every function in sync and sync/atomic that Get and Put reach by direct calls. Returns the
 * section and each reachable function's locked instructions.
 */
function goListing({ text, functions, texts }: GoObjdump): { section: GoSection; lockedLines: Map<string, GoInstruction[]> } {
  const reached = reachable(functions, GET_PUT);
  const lockedLines = new Map(reached.map((r) => [r.fn.name, r.fn.instructions.filter(isLocked)]));
  const steps = GET_PUT.flatMap((name) => {
    const fn = functions.get(name);
    if (fn === undefined) return [[name, 'not in the listing', '-', '-', 0, '']];
    const source = texts.get(fn.path) ?? '';
    return [...annotate(fn, source, GO_STEPS[name]!), returnsOf(fn, source)].map((s) =>
      [name, s.label, s.where, s.instructions.length === 0 ? '-' : s.instructions.map((i) => `${i.address} ${i.text}`).join('; '), s.instructions.length, s.note]);
  });
  const lockedRows = reached.flatMap((r) => lockedLines.get(r.fn.name)!.map((i) =>
    [r.fn.name, r.via.slice(0, -1).join(' → ') || '-', `${i.file}:${i.line}`, `${i.address} ${i.text}`]));
  const inGetPut = GET_PUT.reduce((n, name) => n + (lockedLines.get(name)?.length ?? 0), 0);
  const holders = [...new Set(lockedRows.map((row) => row[0]!))];
  const section: GoSection = {
    tables: [{
      title: 'Go: Get and Put step by step (go tool objdump; every instruction of each source line)',
      columns: ['function', 'step', 'source line', 'instructions', 'count', 'what the check does'],
      rows: steps,
    }, {
      title: `Go: every LOCK-prefixed or XCHG instruction (${lockedRows.length}, in ${holders.length} functions; ${inGetPut} in Get and Put ` +
        `themselves) of the ${reached.length} functions of sync and sync/atomic that Get and Put reach by direct calls or deferred closures`,
      columns: ['function', 'reached through', 'source line', 'instruction'],
      rows: lockedRows,
    }],
    artifacts: [{ name: 'go/05-objdump.txt', content: text, show: 'link' }],
    note: `Get and Put themselves hold ${count(inGetPut, 'locked instruction')}; ${count(lockedRows.length, 'locked instruction')} ` +
      `sit in ${count(holders.length, 'function')} they reach (${holders.join(', ') || 'none'}), each behind a call off the ` +
      `success path: Get's private slot hit is the pin call, ${privateLoad(functions, texts)}, the clear with its write barrier ` +
      'check, the nil check, the unpin call and RET. XCHG with memory is locked without a prefix (an atomic ' +
      'store on amd64). Calls into package runtime (procPin\'s m.locks increment, the write barrier, ' +
      'semaphores) and calls through a register (New) are not followed.',
  };
  return { section, lockedLines };
}

export const last = (code: Record<string, CodeListing[]>, fn: string) => code[fn]!.at(-1)!;

/** Atomics methods appear as JSFunction constants next to their builtin calls; they are not callees to follow. */
const ATOMICS = new Set(['load', 'store', 'compareExchange', 'exchange', 'add', 'sub', 'and', 'or', 'xor', 'wait', 'notify', 'isLockFree']);

/** JavaScript functions a listing calls, from the JSFunction constants V8 annotates. */
function callees(listing: CodeListing): string[] {
  const names = listing.instructions.flatMap((i) => i.comments.map((c) => /<JSFunction (\w+)/.exec(c)?.[1]));
  return [...new Set(names.filter((n): n is string => n !== undefined && !ATOMICS.has(n)))];
}

/**
 * The steal path's CAS: PoolDequeue.popTail compiled without inlining, then the functions it
 * calls, breadth first, until a listing calls AtomicsCompareExchange. Following the calls keeps
 * the lab independent of how PoolDequeue splits its work into helpers.
 */
async function stealCas(opts: { nodeArgs: string[] }): Promise<{ chain: string[]; listing?: CodeListing }> {
  const chain: string[] = [];
  const queue = ['popTail'];
  while (queue.length > 0 && chain.length < 6) {
    const fn = queue.shift()!;
    if (chain.includes(fn)) continue;
    chain.push(fn);
    let listing: CodeListing;
    try {
      listing = last(await optimizedCode(script('shared-hot'), [fn], opts), fn);
    } catch {
      continue; // a callee TurboFan did not optimize on its own: not the one
    }
    if (listing.flaggedCalls.some((i) => i.builtin === 'AtomicsCompareExchange')) return { chain, listing };
    queue.push(...callees(listing));
  }
  return { chain };
}

/**
 * Synchronous TurboFan compiles: a background compile still running when the hot loop ends
 * would leave no listing on a busy machine. Only when the code is compiled changes, not what.
 */
const SYNC_COMPILE = { nodeArgs: ['--no-concurrent-recompilation'] };

/** TurboFan's listings of Pool.get and Pool.put (the last optimized version of each is last(code, fn)). */
export const poolCode = () => optimizedCode(script('pool-hot'), ['get', 'put'], SYNC_COMPILE);

/** Pool.get's success path and its landmarks: the private slot load, the empty check, the clear, the return. */
export const poolGetSubject = (listing: CodeListing): Subject => ({
  title: 'Pool.get', fn: 'get', listing,
  through: (i) => isLoad(i) && src(i, /#private/),
  landmarks: [
    { label: 'load the private slot', matches: (i) => isLoad(i) && src(i, /#private/) },
    emptyCheck,
    { label: 'clear the private slot', matches: (i, [load]) => isStore(i) && memory(i) === memory(load) },
    returns,
  ],
});

/** What exercise 5 reads: the success paths, the steal path's calls, the CAS builtin, and Go's listing with --with-go. */
export interface FastPathMeasured {
  checks: PathCheck[];
  /** The functions followed from popTail to the one that calls AtomicsCompareExchange, and that one's Atomics calls. */
  stealChain: string[];
  stealCalls: Instruction[];
  /** Atomics builtin calls in SharedPool.get's full listing (its inlined slow path). */
  sharedGetSlowCalls: number;
  cas: BuiltinCode;
  listings: Artifact[];
  go?: GoRun<GoObjdump>;
}

/** The report section from what the listings show. */
export function present(m: FastPathMeasured): Result {
  const { checks, stealCalls, cas } = m;
  const casCalls = stealCalls.filter((i) => i.builtin === 'AtomicsCompareExchange');
  const stealChain = m.stealChain.join(' → ');

  const { verdict, reason } = judgeFastPath({
    paths: checks.map((c) => ({
      subject: c.subject, found: c.found, instructions: c.instructions, locked: c.locked, atomicsCalls: c.atomicsCalls,
      missing: c.landmarks.filter((l) => l.at === undefined).map((l) => l.label),
    })),
    stealChain,
    casCalls: casCalls.length,
    builtin: cas.ok ? { locked: cas.locked.length } : { why: cas.why },
  });

  const table: Table = {
    title: 'Success paths, found by search from entry to ret',
    columns: ['function', 'instructions', 'lock-prefixed', 'Atomics builtin calls', 'other calls', 'landmarks found'],
    rows: checks.map((c) => [c.subject, c.instructions, c.locked, c.atomicsCalls, c.calls.length === 0 ? 'none' : c.calls.join(', '),
      `${c.landmarks.filter((l) => l.at !== undefined).length} of ${c.landmarks.length}`]),
  };
  const stealTable: Table = {
    title: `The steal path: ${stealChain} (each listed without inlining); Atomics calls of ${m.stealChain.at(-1)}`,
    columns: ['builtin called', 'at', 'from source'],
    rows: stealCalls.map((i) => [i.builtin ?? '', `+0x${i.offset.toString(16)}`, (i.source?.text ?? '').split('\n')[0]!.slice(0, 50)]),
  };
  const atomicsTable: Table = {
    title: 'Atomics off the success paths: the counts the verdict and the explanation quote',
    columns: ['where', 'count'],
    rows: [
      [`AtomicsCompareExchange call sites on the steal path (${m.stealChain.at(-1)})`, casCalls.length],
      ['lock cmpxchg instructions in V8\'s AtomicsCompareExchange builtin', cas.ok ? cas.locked.length : `not disassembled: ${cas.why}`],
      ['Atomics builtin calls in SharedPool.get\'s full listing (its inlined slow path)', m.sharedGetSlowCalls],
    ],
  };
  const artifacts: Artifact[] = checks.map((c) => ({
    name: `asm/${c.subject.replace('.', '-')}-success-path.txt`,
    content: `${c.subject}: success path (${c.instructions} instructions) from TurboFan's listing\n\n${c.text}\n`,
    show: 'inline',
  }));
  artifacts.push({
    name: 'asm/AtomicsCompareExchange-locked.txt',
    content: cas.ok
      ? `Builtins_AtomicsCompareExchange in ${process.execPath}: ${cas.lines.length} instructions, ` +
        `${cas.locked.length} lock-prefixed:\n\n${cas.locked.join('\n')}\n`
      : `Not disassembled: ${cas.why}\n`,
    show: 'inline',
  });
  artifacts.push(...m.listings);
  const getPath = checks[2]!;
  const listed = m.go?.version === undefined ? undefined : goListing(m.go.data);
  const goPopTail = listed?.lockedLines.get('sync.(*poolDequeue).popTail');
  return {
    verdict,
    reason,
    explanation:
      `SharedPool.get's success path: ${getPath.landmarks.map((l) => `${l.label} at ${l.at === undefined ? '?' : `+0x${l.at.offset.toString(16)}`}`).join(', ')}. ` +
      'The private slot is a plain Int32Array element that only the owning thread writes while attached, so ' +
      'TurboFan compiles it to an ordinary mov with no fence, exactly as Go\'s p.private after pin. The rest of ' +
      'each path, in the listings below, is V8\'s own bookkeeping around it (prologue, stack check, the checks of ' +
      '`this` and of the typed array). The slow path is in the same code object ' +
      `(${count(m.sharedGetSlowCalls, 'Atomics builtin call')} in SharedPool.get's full listing once ` +
      'getSlow is inlined) but off the success path. Atomics in V8 are always calls into builtins, never ' +
      'inlined (the steal path\'s listing above calls them), which is why a fast path must contain none' +
      (goPopTail === undefined ? '.' : `; Go's poolDequeue.popTail holds ${count(goPopTail.length, 'LOCK-prefixed instruction')} ` +
        `inline (${goPopTail[0] === undefined ? '-' : `${goPopTail[0].text} at ${goPopTail[0].file}:${goPopTail[0].line}`}), in the Go section below.`) +
      '\n\nWhere Go differs: Go\'s success path also pins the goroutine to its P (runtime_procPin, which ' +
      'increments m.locks: src/runtime/proc.go:6153–6159 in Go 1.19); a JavaScript thread cannot migrate, so ' +
      'there is nothing to pin.',
    tables: [table, stealTable, atomicsTable],
    charts: [],
    artifacts,
    ...(m.go === undefined ? {} : { go: goPresent(m.go, () => listed!.section) }),
  };
}

export const exercise: Exercise = {
  id: 5,
  slug: 'fast-path-asm',
  title: 'Disassemble the fast path',
  goal: 'Read the optimized machine code of Get and Put, follow the success path from the entry to the return, ' +
    'and check that it contains no atomic instruction.',
  criterion: 'Point at the instructions that load the private slot, test it for empty, and clear it and return; ' +
    'the success path has no lock-prefixed instruction.',
  analogue: 'syncpool-bench\'s optimizedCode runs a hot loop under `node --print-opt-code --print-opt-source` and ' +
    'parses TurboFan\'s x64 listing, with the source expression behind every instruction. The lab finds the ' +
    'success path mechanically: the shortest path from the entry to a `ret` through the load of the private ' +
    'slot, following jumps and ignoring deoptimization exits. Checked for Pool.get/put (one isolate: no Atomics ' +
    'anywhere) and SharedPool.get/put (the per-P pool across threads, whose slow path steals with a CAS). The ' +
    'steal\'s `lock cmpxchg` lives in V8\'s AtomicsCompareExchange builtin, which TurboFan calls and never ' +
    'inlines; the lab disassembles it from the node binary with objdump.',
  flags: [],
  async run(ctx): Promise<Result> {
    ctx.progress(0.05, 'Pool: --print-opt-code');
    const pool = await poolCode();
    ctx.progress(0.35, 'SharedPool: --print-opt-code');
    const shared = await optimizedCode(script('shared-hot'), ['get', 'put'], SYNC_COMPILE);
    ctx.progress(0.65, 'SharedPool steal path, without inlining');
    const steal = await stealCas({ nodeArgs: [...SYNC_COMPILE.nodeArgs, '--no-turbo-inlining'] });
    ctx.progress(0.85, 'disassembling AtomicsCompareExchange');
    const cas = await builtinCode('AtomicsCompareExchange');

    const subjects: Subject[] = [
      poolGetSubject(last(pool, 'get')),
      {
        title: 'Pool.put', fn: 'put', listing: last(pool, 'put'),
        through: (i) => isStore(i) && src(i, /^= x;/),
        landmarks: [
          { label: 'load the private slot', matches: (i) => isLoad(i) && src(i, /#private/) },
          emptyCheck,
          { label: 'store into the private slot', matches: (i, [load]) => isStore(i) && memory(i) === memory(load) },
          returns,
        ],
      },
      {
        // Found by shape, not by source text: TurboFan inlines helpers into put and get, and the
        // source positions of inlined code are too coarse to name single instructions.
        title: 'SharedPool.get', fn: 'get', listing: last(shared, 'get'),
        through: loadsSlot,
        landmarks: [
          { label: 'load the private slot (a plain Int32Array read)', matches: loadsSlot },
          slotEmptyCheck,
          { label: 'clear the private slot (a plain store of 0)', matches: (i) => isElementStore(i) && i.operands.endsWith(',0x0') },
          returns,
        ],
      },
      {
        title: 'SharedPool.put', fn: 'put', listing: last(shared, 'put'),
        through: (i) => isElementStore(i) && !i.operands.endsWith(',0x0'),
        landmarks: [
          { label: 'load the private slot (a plain Int32Array read)', matches: loadsSlot },
          slotEmptyCheck,
          { label: 'store into the private slot (a plain store)', matches: isElementStore },
          returns,
        ],
      },
    ];
    const listings: Artifact[] = [];
    for (const [name, code] of [['Pool', pool], ['SharedPool', shared]] as const) {
      for (const fn of ['get', 'put']) {
        const l = last(code, fn);
        listings.push({ name: `asm/${name}-${fn}-full.txt`, content: `${l.instructions.map((i) => formatInstruction(i)).join('\n')}\n`, show: 'link' });
      }
    }
    const go = ctx.withGo ? await goMeasure(goObjdumpOfSync) : undefined;
    return present({
      checks: subjects.map(checkSuccessPath), stealChain: steal.chain, stealCalls: steal.listing?.flaggedCalls ?? [],
      sharedGetSlowCalls: last(shared, 'get').flaggedCalls.length, cas, listings, ...(go === undefined ? {} : { go }),
    });
  },
};
