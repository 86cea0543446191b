/**
 * An exhaustive interleaving explorer for synchronous JavaScript threads that share Int32 words.
 *
 * No maintained model checker fits JavaScript's shared memory (fast-check's scheduler reorders
 * promises, not Atomics), so this is the smallest explorer that does the job, in general terms:
 * threads, operations, words. It knows nothing about what the words mean.
 *
 * - Memory. The code under test is built over the `memory` that `build` gets, a Proxy of an Int32Array, and
 *   while the explorer runs, globalThis.Atomics (for that array) and performance.now are
 *   replaced, so every plain read and write, every Atomics call and every clock read is an
 *   access the explorer performs on the state's own copy of the words.
 * - Threads. A synchronous call cannot be suspended, so a thread in the middle of an operation
 *   is the log of what its accesses returned so far. To take one more step the explorer runs the
 *   operation again from its start, answers the logged accesses from the log (the code must be
 *   deterministic given what it reads), performs the next access on the state's words, and
 *   aborts the run at the access after. One step is one access (words named in
 *   `privateWords` join the step before them). Interleavings are sequentially consistent, as
 *   every Atomics operation is in JavaScript. Own fields of `thread.fields` objects (a per-thread
 *   cache, say) are saved with the thread's state and restored before every replay.
 * - Search. Breadth-first over states (the words, each thread's position and log, and the history
 *   of calls and returns), so the first violation found has a shortest trace.
 * - Spinning. A trailing pass of accesses that changed nothing and repeats the pass before it
 *   access for access (same word, same result, same place in the code) is dropped: the thread is
 *   where it was one pass earlier, and a spin that waits for nobody becomes a cycle of states.
 *   Exact for loops whose passes depend only on what they read (no pass counter).
 * - Hangs. After the search, a set of states from which the threads can only go round in
 *   circles (a terminal strongly connected component of the state graph) while some thread has
 *   not finished is a hang; so is a state where no thread can move and one has not finished.
 * - Hooks for other protocols: `mortal` threads may stop for ever before any step (as
 *   worker.terminate() leaves a thread), Atomics.wait blocks until an Atomics.notify picks the
 *   thread (or, with a timeout, until it times out), and a clock read returns the operation's
 *   start time or a time past every deadline. `invariant` runs on every state, `final` on every
 *   state in which every thread is done or dead.
 */

/** One operation of a thread's script: `run` calls the code under test. */
export interface Operation {
  /** How the operation reads in a trace: `pushHead(3)`. */
  label: string;
  run(): unknown;
}

export interface ThreadSpec {
  name: string;
  ops: Operation[];
  /** Objects whose own fields the operations may change (saved and restored with the thread). */
  fields?: object[];
  /** May stop for ever before any step, and runs nothing afterwards. */
  mortal?: boolean;
}

/** What an operation came back with: a value, or the exception it threw. */
export type Outcome = { value: unknown } | { threw: string };

/** One completed or pending operation in a history. */
export interface HistoryOp {
  thread: number;
  /** Index in the thread's script. */
  index: number;
  label: string;
  /** Positions in the history's event order: when it was called and when it returned. */
  call: number;
  ret?: number;
  outcome?: Outcome;
}

/** What `invariant` and `final` see of a state. */
export interface StateView {
  memory: Int32Array;
  history: HistoryOp[];
  /** Per thread: 'run', 'done' or 'dead'. */
  status: ('run' | 'done' | 'dead')[];
  /**
   * Runs `body` with every access performed at once on a copy of this state's words, with each
   * thread's fields as the state left them; for final checks that call the code under test.
   */
  free<T>(body: () => T): T;
}

/**
 * What to explore: `build` constructs the code under test over `memory` (every access it makes,
 * a constructor's or a warm-up's, is performed at once on the starting words) and names the
 * threads and the checks.
 */
export interface Model {
  /** The number of Int32 words the threads share; all zero at the start. */
  words: number;
  build(memory: Int32Array): Program;
}

export interface Program {
  threads: ThreadSpec[];
  /** Words only their own thread touches: plain accesses to them are not steps of their own. */
  privateWords?: ReadonlySet<number>;
  /** A violation in this state, or undefined. */
  invariant?(state: StateView): string | undefined;
  /** A violation in this final state (every thread done or dead), or undefined. */
  final?(state: StateView): string | undefined;
  maxDeaths?: number;
  /** Stops the search (with `limitReached`) past this many states. Default 2,000,000. */
  maxStates?: number;
  /** An operation that makes more accesses than this without finishing is reported. Default 10,000. */
  maxAccessesPerOp?: number;
}

/** One access in a trace. */
export interface Access {
  kind: AccessKind;
  /** The word, or -1 for a clock read. */
  word: number;
  /** What the access returned (a read's value, an RMW's old value, wait's 0 ok / 1 not-equal). */
  result: number;
  /** The operand(s): the value written or added; for compareExchange the expected and the replacement. */
  args: number[];
  /** Whether it changed the word. */
  changed: boolean;
}

export type AccessKind = 'read' | 'write' | 'load' | 'store' | 'add' | 'sub' | 'and' | 'or' | 'xor' | 'exchange' |
  'compareExchange' | 'clock' | 'wait' | 'notify';

/** One step of a trace: a thread's access inside an operation, or the operation's return, or a death. */
export interface Step {
  thread: number;
  /** The operation's label. */
  op: string;
  access?: Access;
  /** Set on the step that finished the operation. */
  outcome?: Outcome;
  /** Set when the thread stopped here for ever. */
  died?: boolean;
  /** Set when the thread went to sleep in Atomics.wait. */
  sleeps?: boolean;
}

export interface Violation {
  message: string;
  /** The steps from the initial state to the violating state, shortest first found. */
  trace: Step[];
  /** The violating state's history (every operation called so far, with outcomes where returned). */
  history: HistoryOp[];
  memory: number[];
}

export interface ExploreResult {
  states: number;
  transitions: number;
  finals: number;
  violation?: Violation;
  /** The search stopped at maxStates without finishing: no verdict. */
  limitReached?: boolean;
}

const PENDING = -0x7fffffff;
const JUMP = 1e9;
const RMW_KINDS = ['add', 'sub', 'and', 'or', 'xor', 'exchange'] as const;

interface Entry extends Access {
  /** A hash of where in the code the access was made (for dropping spin passes). */
  pc: number;
}

interface Thread {
  op: number;
  log: Entry[];
  status: 'run' | 'done' | 'dead';
  /** -1, or the word of the Atomics.wait it sleeps in. */
  waitingOn: number;
  timed: boolean;
  woken: boolean;
  /** Own fields of the thread's `fields` objects when its current operation started. */
  fields: unknown[][];
  /** Position of the current operation in `State.history`, or -1 before its first step. */
  pending: number;
}

interface State {
  mem: Int32Array;
  threads: Thread[];
  history: HistoryOp[];
  deaths: number;
}

class Yield {}
const YIELD = new Yield();

/** Raised for code that breaks the explorer's rules (replay mismatch, own shared memory, too many accesses). */
export class ContractError extends Error {}

class Execution {
  pos = 0;
  performedStep = false;
  choices = 1;
  wakes: number[] = [];
  blocked: number | undefined;
  timedWait = false;
  /** The access that ended the step (the one performed), for the trace. */
  performed: Entry | undefined;

  constructor(
    readonly program: Program, readonly thread: Thread, readonly mem: Int32Array, readonly threads: Thread[],
    readonly choice: number, readonly free: boolean,
  ) {}

  access(kind: AccessKind, word: number, args: number[], perform: (mem: Int32Array) => { result: number; changed: boolean }): number {
    const log = this.thread.log;
    if (this.pos < log.length) {
      const entry = log[this.pos++]!;
      if (entry.kind !== kind || entry.word !== word) {
        throw new ContractError(`the code is not deterministic: on replay it made ${kind} of word ${word} where it had made ` +
          `${entry.kind} of word ${entry.word}; an operation may depend only on what it reads from the words`);
      }
      return entry.result;
    }
    const step = !(kind === 'read' || kind === 'write') || this.program.privateWords?.has(word) !== true;
    if (step && this.performedStep && !this.free) throw YIELD;
    const max = this.program.maxAccessesPerOp ?? 10_000;
    if (!this.free && log.length >= max) {
      throw new ContractError(`an operation made ${max} accesses without finishing: a loop that never ends`);
    }
    let result: number;
    let changed = false;
    if (kind === 'clock') {
      const last = [...log].reverse().find((e) => e.kind === 'clock');
      this.choices = last === undefined || last.result === JUMP ? 1 : 2;
      result = this.choice === 1 || last?.result === JUMP ? JUMP : 0;
    } else if (kind === 'wait') {
      result = this.mem[word] !== args[0] ? 1 : this.free ? 0 : PENDING;
    } else if (kind === 'notify') {
      const waiting = this.threads.flatMap((t, n) => (t.status === 'run' && t.waitingOn === word && !t.woken ? [n] : []));
      if (waiting.length <= args[0]!) this.wakes = waiting;
      else {
        this.choices = waiting.length;
        this.wakes = [waiting[this.choice]!];
      }
      result = this.wakes.length;
    } else {
      ({ result, changed } = perform(this.mem));
    }
    const entry: Entry = { kind, word, result, args, changed, pc: this.free ? 0 : codePosition() };
    if (!this.free) log.push(entry);
    this.pos++;
    if (result === PENDING) {
      this.blocked = word;
      this.performed = entry;
      throw YIELD;
    }
    if (step) {
      this.performedStep = true;
      this.performed = entry;
    }
    return result;
  }
}

/** A 31-bit hash of the call stack's positions: where in the code an access is made. */
function codePosition(): number {
  const saved = Error.prepareStackTrace;
  Error.prepareStackTrace = (_, frames) => frames;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  Error.captureStackTrace(holder, codePosition);
  const frames = holder.stack ?? [];
  Error.prepareStackTrace = saved;
  let hash = 0x811c9dc5;
  for (let f = 2; f < Math.min(frames.length, 14); f++) {
    hash = Math.imul(hash ^ (frames[f]!.getLineNumber() ?? 0), 0x01000193);
    hash = Math.imul(hash ^ (frames[f]!.getColumnNumber() ?? 0), 0x01000193);
  }
  return hash >>> 1;
}

let current: Execution | undefined;

function vmAccess(kind: AccessKind, word: number, args: number[], perform: (mem: Int32Array) => { result: number; changed: boolean }): number {
  if (current === undefined) throw new ContractError('the words were accessed outside an operation (in a timer or a callback?)');
  return current.access(kind, word, args, perform);
}

const isIndex = (key: string | symbol): key is string => typeof key === 'string' && key.length > 0 && key.charCodeAt(0) >= 48 && key.charCodeAt(0) <= 57;

/** Words for the code under test to be built over: every index access on it is an access the explorer makes. */
function modelMemory(length: number): Int32Array {
  const shape = new Int32Array(length);
  const proxy = new Proxy(shape, {
    get(target, key) {
      if (isIndex(key)) {
        const word = Number(key);
        return vmAccess('read', word, [], (mem) => ({ result: mem[word]!, changed: false }));
      }
      const value = Reflect.get(target, key, target) as unknown;
      // Methods (subarray, fill, ...) would bypass the explorer: they run on the shape, which holds nothing.
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
    set(target, key, value) {
      if (isIndex(key)) {
        const word = Number(key);
        const v = Number(value) | 0;
        vmAccess('write', word, [v], (mem) => {
          const changed = mem[word] !== v;
          mem[word] = v;
          return { result: v, changed };
        });
        return true;
      }
      return Reflect.set(target, key, value, target);
    },
  });
  return proxy;
}

const realAtomics = Atomics;
const realPerformance = globalThis.performance;
const RealSharedArrayBuffer = SharedArrayBuffer;

function modelAtomics(words: Int32Array): typeof Atomics {
  const mine = (array: unknown) => array === words;
  const rmw = (kind: typeof RMW_KINDS[number], fn: (old: number, v: number) => number) =>
    (array: Int32Array, index: number, value: number) => {
      const real = realAtomics[kind] as (a: Int32Array, i: number, v: number) => number;
      if (!mine(array)) return real(array, index, value);
      const v = Number(value) | 0;
      return vmAccess(kind, index, [v], (mem) => {
        const old = mem[index]!;
        mem[index] = fn(old, v);
        return { result: old, changed: mem[index] !== old };
      });
    };
  const fake = {
    load: (array: Int32Array, index: number) => (!mine(array) ? realAtomics.load(array, index)
      : vmAccess('load', index, [], (mem) => ({ result: mem[index]!, changed: false }))),
    store: (array: Int32Array, index: number, value: number) => {
      if (!mine(array)) return realAtomics.store(array, index, value);
      const v = Number(value) | 0;
      return vmAccess('store', index, [v], (mem) => {
        const changed = mem[index] !== v;
        mem[index] = v;
        return { result: v, changed };
      });
    },
    add: rmw('add', (a, b) => (a + b) | 0),
    sub: rmw('sub', (a, b) => (a - b) | 0),
    and: rmw('and', (a, b) => a & b),
    or: rmw('or', (a, b) => a | b),
    xor: rmw('xor', (a, b) => a ^ b),
    exchange: rmw('exchange', (_, b) => b),
    compareExchange: (array: Int32Array, index: number, expected: number, replacement: number) => {
      if (!mine(array)) return realAtomics.compareExchange(array, index, expected, replacement);
      const e = Number(expected) | 0;
      const r = Number(replacement) | 0;
      return vmAccess('compareExchange', index, [e, r], (mem) => {
        const old = mem[index]!;
        if (old === e) mem[index] = r;
        return { result: old, changed: old === e && old !== r };
      });
    },
    wait: (array: Int32Array, index: number, value: number, timeout = Number.POSITIVE_INFINITY) => {
      if (!mine(array)) return realAtomics.wait(array, index, value, timeout);
      if (current !== undefined) current.timedWait = Number.isFinite(timeout);
      return vmAccess('wait', index, [Number(value) | 0], () => ({ result: 0, changed: false })) === 1 ? 'not-equal' : 'ok';
    },
    notify: (array: Int32Array, index: number, count = Number.POSITIVE_INFINITY) => (!mine(array)
      ? realAtomics.notify(array, index, count)
      : vmAccess('notify', index, [count], () => ({ result: 0, changed: false }))),
    isLockFree: (n: number) => realAtomics.isLockFree(n),
    [Symbol.toStringTag]: 'Atomics',
  };
  return fake as unknown as typeof Atomics;
}

/** Any SharedArrayBuffer the code under test makes while the explorer runs is a breach of the contract. */
class WatchedSharedArrayBuffer extends RealSharedArrayBuffer {
  constructor(length: number) {
    super(length);
    if (current !== undefined) {
      throw new ContractError(`the code allocated a SharedArrayBuffer of its own (${length} bytes) instead of using the words it was given`);
    }
  }
}

/** Runs `body` with the explorer's Atomics, clock and SharedArrayBuffer installed for `words`. */
function withModel<T>(words: Int32Array, body: () => T): T {
  const g = globalThis as unknown as { Atomics: typeof Atomics; SharedArrayBuffer: typeof SharedArrayBuffer };
  g.Atomics = modelAtomics(words);
  g.SharedArrayBuffer = WatchedSharedArrayBuffer as typeof SharedArrayBuffer;
  Object.defineProperty(globalThis, 'performance', {
    value: { now: () => vmAccess('clock', -1, [], () => ({ result: 0, changed: false })), timeOrigin: 0 },
    configurable: true, writable: true,
  });
  try {
    return body();
  } finally {
    g.Atomics = realAtomics;
    g.SharedArrayBuffer = RealSharedArrayBuffer;
    Object.defineProperty(globalThis, 'performance', { value: realPerformance, configurable: true, writable: true });
  }
}

const scratchThread = (): Thread => ({ op: 0, log: [], status: 'run', waitingOn: -1, timed: false, woken: false, fields: [], pending: -1 });

/** Runs `body` (set-up, a warm-up, a final check) with every access performed at once on `memory`. */
function runFree<T>(program: Program, memory: Int32Array, body: () => T): T {
  const saved = current;
  current = new Execution(program, scratchThread(), memory, [], 0, true);
  try {
    return body();
  } finally {
    current = saved;
  }
}

// Own fields of a thread's `fields` objects: saved as [key, value] pairs, restored before every replay.
function saveFields(objects: readonly object[]): unknown[][] {
  return objects.map((o) => Object.entries(o).flat());
}

function restoreFields(objects: readonly object[], saved: unknown[][]): void {
  for (const [n, o] of objects.entries()) {
    const pairs = saved[n] ?? [];
    for (let p = 0; p < pairs.length; p += 2) (o as Record<string, unknown>)[pairs[p] as string] = pairs[p + 1];
  }
}

function fieldKey(saved: unknown[][]): string {
  return saved.map((pairs) => pairs.map((v) => (typeof v === 'object' && v !== null ? '[object]' : String(v))).join(',')).join(';');
}

const cloneThread = (t: Thread): Thread => ({ ...t, log: t.log.slice() });

/** Drops a trailing pass that changed nothing and repeats the pass before it (see "Spinning"). */
function collapse(log: Entry[]): void {
  for (let period = 1; 2 * period <= log.length && period <= 64; period++) {
    const end = log.length;
    let same = true;
    for (let j = 0; j < period && same; j++) {
      const a = log[end - period + j]!;
      const b = log[end - 2 * period + j]!;
      same = !a.changed && a.kind === b.kind && a.word === b.word && a.result === b.result && a.pc === b.pc;
    }
    if (same) {
      log.length = end - period;
      return;
    }
  }
}

function stateKey(s: State): string {
  const parts: (string | number)[] = [s.mem.join(',')];
  for (const t of s.threads) {
    parts.push(`|${t.op},${t.status},${t.waitingOn},${t.woken ? 1 : 0},${fieldKey(t.fields)}:`);
    for (const e of t.log) parts.push(e.kind, e.word, e.result);
  }
  parts.push('#');
  for (const h of s.history) parts.push(h.thread, h.call, h.ret ?? '-', h.outcome === undefined ? '' : outcomeText(h.outcome));
  return parts.join(' ');
}

/** How an outcome reads: the value, or "threw Error: ...". */
export function outcomeText(o: Outcome): string {
  return 'threw' in o ? `threw ${o.threw}` : o.value === undefined ? 'undefined' : JSON.stringify(o.value) ?? String(o.value);
}

/** Explores every interleaving of the model's threads, breadth first; stops at the first violation. */
export function explore(model: Model): ExploreResult {
  const memory = modelMemory(model.words);
  const start = new Int32Array(model.words);
  return withModel(memory, () => {
    const program = runFree({ threads: [] }, start, () => model.build(memory));
    return search(program, start);
  });
}

interface Node {
  state: State;
  parent: number;
  step: Step | undefined;
  /** Successor node ids, filled once the node is expanded. */
  next: number[];
}

function search(program: Program, start: Int32Array): ExploreResult {
  const initial: State = {
    mem: start.slice(),
    deaths: 0,
    history: [],
    threads: program.threads.map((spec) => ({
      ...scratchThread(), status: spec.ops.length === 0 ? 'done' : 'run', fields: saveFields(spec.fields ?? []),
    })),
  };
  const result: ExploreResult = { states: 0, transitions: 0, finals: 0 };
  const nodes: Node[] = [];
  const ids = new Map<string, number>();
  const traceTo = (id: number): Step[] => {
    const steps: Step[] = [];
    for (let n = id; n >= 0 && nodes[n]!.step !== undefined; n = nodes[n]!.parent) steps.push(nodes[n]!.step!);
    return steps.reverse();
  };
  const violation = (id: number, message: string, extra: Step[] = [], state = nodes[id]!.state): Violation => ({
    message, trace: [...traceTo(id), ...extra], history: state.history, memory: [...state.mem],
  });
  const add = (state: State, parent: number, step: Step | undefined): number => {
    const key = stateKey(state);
    const seen = ids.get(key);
    if (seen !== undefined) return seen;
    const id = nodes.length;
    nodes.push({ state, parent, step, next: [] });
    ids.set(key, id);
    return id;
  };
  add(initial, -1, undefined);
  const maxStates = program.maxStates ?? 2_000_000;
  for (let id = 0; id < nodes.length; id++) {
    if (nodes.length > maxStates) {
      result.limitReached = true;
      result.states = nodes.length;
      return result;
    }
    const node = nodes[id]!;
    const s = node.state;
    result.states++;
    const view = viewOf(program, s);
    const broken = program.invariant?.(view);
    if (broken !== undefined) return { ...result, violation: violation(id, broken) };
    const expanded = successorsOf(program, s);
    if ('error' in expanded) return { ...result, violation: violation(id, expanded.error, [expanded.step], expanded.state) };
    if (expanded.length === 0 && s.threads.every((t) => t.status !== 'run')) {
      result.finals++;
      const bad = program.final?.(view);
      if (bad !== undefined) return { ...result, violation: violation(id, bad) };
    }
    for (const { state, step } of expanded) {
      result.transitions++;
      node.next.push(add(state, id, step));
    }
  }
  const hang = findHang(nodes);
  if (hang !== undefined) {
    const s = nodes[hang.id]!.state;
    const who = s.threads.flatMap((t, n) => (t.status === 'run'
      ? [`${program.threads[n]!.name} in ${program.threads[n]!.ops[t.op]!.label}${t.waitingOn >= 0 ? ` (asleep in Atomics.wait on word ${t.waitingOn})` : ''}`]
      : []));
    const message = hang.size === 1 && nodes[hang.id]!.next.length === 0
      ? `hang: no thread can move, and ${who.join(', ')} has not finished`
      : `hang: from here the threads can only go round ${hang.size} state(s) without any progress, and ${who.join(', ')} never finishes`;
    result.violation = violation(hang.id, message);
  }
  return result;
}

/** A terminal strongly connected component with an unfinished thread, by Tarjan's algorithm (iterative). */
function findHang(nodes: Node[]): { id: number; size: number } | undefined {
  const index = new Int32Array(nodes.length).fill(-1);
  const low = new Int32Array(nodes.length);
  const onStack = new Uint8Array(nodes.length);
  const stack: number[] = [];
  let counter = 0;
  let found: { id: number; size: number } | undefined;
  for (let root = 0; root < nodes.length && found === undefined; root++) {
    if (index[root] !== -1) continue;
    const work: [number, number][] = [[root, 0]];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length > 0 && found === undefined) {
      const frame = work.at(-1)!;
      const [v, i] = frame;
      const next = nodes[v]!.next;
      if (i < next.length) {
        frame[1]++;
        const w = next[i]!;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          work.push([w, 0]);
        } else if (onStack[w] === 1) {
          low[v] = Math.min(low[v]!, index[w]!);
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work.at(-1)![0];
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] !== index[v]) continue;
      const members: number[] = [];
      for (;;) {
        const w = stack.pop()!;
        onStack[w] = 0;
        members.push(w);
        if (w === v) break;
      }
      const inside = new Set(members);
      const terminal = members.every((m) => nodes[m]!.next.every((w) => inside.has(w)));
      const live = members.some((m) => nodes[m]!.state.threads.some((t) => t.status === 'run'));
      if (terminal && live) found = { id: Math.min(...members), size: members.length };
    }
  }
  return found;
}

function viewOf(program: Program, s: State): StateView {
  return {
    memory: s.mem,
    history: s.history,
    status: s.threads.map((t) => t.status),
    free: <T>(body: () => T): T => {
      for (const [n, spec] of program.threads.entries()) restoreFields(spec.fields ?? [], s.threads[n]!.fields);
      return runFree(program, s.mem.slice(), body);
    },
  };
}

type Successor = { state: State; step: Step };

function successorsOf(program: Program, s: State): Successor[] | { error: string; step: Step; state: State } {
  const out: Successor[] = [];
  for (const [n, t] of s.threads.entries()) {
    if (t.status !== 'run') continue;
    const spec = program.threads[n]!;
    const op = spec.ops[t.op]!;
    if (spec.mortal === true && s.deaths < (program.maxDeaths ?? 1)) {
      const threads = s.threads.map(cloneThread);
      threads[n] = { ...threads[n]!, status: 'dead', log: [], waitingOn: -1 };
      out.push({ state: { ...s, mem: s.mem.slice(), threads, deaths: s.deaths + 1 }, step: { thread: n, op: op.label, died: true } });
    }
    if (t.waitingOn >= 0 && !t.woken && !t.timed) continue;
    for (let choice = 0, choices = 1; choice < choices; choice++) {
      const step = runStep(program, s, n, choice);
      choices = step.choices;
      if (step.error !== undefined) return { error: step.error, step: step.step, state: step.state };
      out.push({ state: step.state, step: step.step });
    }
  }
  return out;
}

interface StepRun {
  state: State;
  step: Step;
  choices: number;
  error?: string;
}

function runStep(program: Program, s: State, n: number, choice: number): StepRun {
  const threads = s.threads.map(cloneThread);
  const history = s.history.slice();
  const t = threads[n]!;
  const spec = program.threads[n]!;
  const op = spec.ops[t.op]!;
  const mem = s.mem.slice();
  if (t.pending < 0) {
    t.pending = history.length;
    history.push({ thread: n, index: t.op, label: op.label, call: eventCount(history) });
  }
  if (t.waitingOn >= 0) {
    // Back from Atomics.wait, notified or timed out: the code cannot tell, so the log does not either.
    t.log.at(-1)!.result = 0;
    t.waitingOn = -1;
    t.woken = false;
    t.timed = false;
  }
  restoreFields(spec.fields ?? [], t.fields);
  const exec = new Execution(program, t, mem, threads, choice, false);
  current = exec;
  let outcome: Outcome | undefined;
  let contract: string | undefined;
  try {
    outcome = { value: op.run() };
  } catch (error) {
    if (error instanceof Yield) outcome = undefined;
    else if (error instanceof ContractError) contract = error.message;
    else outcome = { threw: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  } finally {
    current = undefined;
  }
  for (const w of exec.wakes) threads[w]!.woken = true;
  const step: Step = { thread: n, op: op.label, ...(exec.performed === undefined ? {} : { access: publicAccess(exec.performed) }) };
  const state: State = { mem, threads, history, deaths: s.deaths };
  if (contract !== undefined) return { state, step, choices: exec.choices, error: `${spec.name}'s ${op.label}: ${contract}` };
  if (outcome === undefined) {
    if (exec.blocked !== undefined) {
      t.waitingOn = exec.blocked;
      t.timed = exec.timedWait;
      step.sleeps = true;
    } else {
      collapse(t.log);
    }
    return { state, step, choices: exec.choices };
  }
  step.outcome = outcome;
  history[t.pending] = { ...history[t.pending]!, ret: eventCount(history), outcome };
  t.fields = saveFields(spec.fields ?? []);
  t.log = [];
  t.pending = -1;
  t.op++;
  if (t.op >= spec.ops.length) t.status = 'done';
  return { state, step, choices: exec.choices };
}

/** Calls and returns so far: the next event's position. */
function eventCount(history: HistoryOp[]): number {
  return history.reduce((n, h) => n + (h.ret === undefined ? 1 : 2), 0);
}

function publicAccess(e: Entry): Access {
  return { kind: e.kind, word: e.word, result: e.result, args: e.args, changed: e.changed };
}

const show = (v: number) => (Math.abs(v) >= 0x10000 ? `${v} (0x${(v >>> 0).toString(16).padStart(8, '0')})` : String(v));

/** An access as a trace line: what was read or written, and the value. */
export function describeAccess(a: Access): string {
  switch (a.kind) {
    case 'read': return `reads word ${a.word}: ${show(a.result)}`;
    case 'write': return `writes word ${a.word} := ${show(a.args[0]!)}`;
    case 'load': return `Atomics.load word ${a.word}: ${show(a.result)}`;
    case 'store': return `Atomics.store word ${a.word} := ${show(a.args[0]!)}`;
    case 'compareExchange': return a.result === a.args[0]
      ? `Atomics.compareExchange word ${a.word} ${show(a.args[0]!)} → ${show(a.args[1]!)}: succeeded`
      : `Atomics.compareExchange word ${a.word} ${show(a.args[0]!)} → ${show(a.args[1]!)}: failed, the word held ${show(a.result)}`;
    case 'clock': return `reads the clock: ${a.result === JUMP ? 'past every deadline' : 'the start time'}`;
    case 'wait': return `Atomics.wait word ${a.word} while ${show(a.args[0]!)}${a.result === 1 ? ': not-equal' : ''}`;
    case 'notify': return `Atomics.notify word ${a.word}: woke ${a.result}`;
    default: return `Atomics.${a.kind} word ${a.word} ${show(a.args[0]!)}: ${show(a.result)} → ${show(applyRmw(a.kind, a.result, a.args[0]!))}`;
  }
}

function applyRmw(kind: AccessKind, old: number, v: number): number {
  switch (kind) {
    case 'add': return (old + v) | 0;
    case 'sub': return (old - v) | 0;
    case 'and': return old & v;
    case 'or': return old | v;
    case 'xor': return old ^ v;
    default: return v;
  }
}
