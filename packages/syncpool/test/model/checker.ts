// An exhaustive interleaving checker that drives the real SharedPool, MutexPool and PoolDequeue
// code step by step, with threads that may die at any step.
//
// No maintained model checker for JavaScript fits (fast-check's scheduler interleaves promises,
// not synchronous code sharing memory), so this is the smallest explorer that does the job:
//
// - Memory. The attachments under test are constructed over a Proxy of an Int32Array, and
//   globalThis.Atomics and performance are replaced while the checker runs, so every plain
//   access, every Atomics call, every clock read goes through `access` below.
// - Threads. JavaScript cannot suspend a synchronous call, so a thread is its operation's log:
//   the results of the accesses it has made so far. To take one more step, the checker runs the
//   operation again from its start, answering the logged accesses from the log (the code is
//   deterministic given what it reads), performs the next access on the memory, and aborts the
//   run (YIELD) at the access after. A step ends before each access that another thread can
//   observe or affect ("visible": Atomics calls, ring slots, clock reads); accesses to words
//   only their own thread touches (private slots, counters, MutexPool's stack under its lock)
//   join the step before them, which is sound because they commute with every other thread's
//   accesses. Interleavings are sequentially consistent: every cross-thread hand-off in the
//   protocol is an Atomics operation, and those are sequentially consistent in JavaScript.
// - Death. A mortal thread may stop for ever before any access, visible or not, and runs
//   nothing afterwards (no catch block either), as worker.terminate() leaves a thread. A
//   mortal thread that finishes its script exits without detaching, so it ends dead too. A
//   reclaim(thread) or reclaimThread(thread) operation is enabled only once that thread is dead:
//   the worker's 'exit'.
// - Attaching. A thread whose script starts with attach starts detached; its attach is the
//   shared-memory part of attach(buffer[, reservation]) (the accesses of its claim to the local's
//   owner, state and epoch words, or of its adopting CAS) and must give the local and generation its attachment was built with. A
//   refused attach (PoolError: the reservation is void, or every local is taken) ends its script.
// - Waiting. Atomics.wait blocks the thread until an Atomics.notify picks it, or, with a
//   timeout, until it chooses to time out (which the code under test cannot tell from a wake-up,
//   as it treats both alike). A clock read may return the operation's start time again or jump
//   past any deadline: both are explored.
// - Spinning. Every loop that waits for another thread reads the clock once per pass (its
//   deadline). A block of accesses that includes a clock read, only reads, and reads exactly
//   what the block before it read, with the clock read at the same place in the code, is a pass
//   that made no progress:
//   the checker drops it, so the thread is where it was one pass earlier and the spin becomes a
//   cycle of states already seen. This is exact for loops whose passes depend only on what they
//   read (no pass counter), which is how the wait loops are written. Loops without a clock read
//   (retries after a failed CAS, scans over slots or locals) are never dropped: they end by
//   themselves or because another thread moved.
//
// Checked in every state: no block is held by two threads, pooled twice, or pooled while held.
// In every final state (every thread done or dead): each block is pooled, held by a live
// thread, never handed out, stranded in a ring slot that a dead thread left (its producer takes
// it back), or lost, and the lost ones are blocks the dead threads held or were moving (one per
// thread that died inside an operation), and each local is attached, at the generation of its
// attachment, exactly when a live thread holds that attachment, and free otherwise (Model.locals).
// A state from which the threads can only go round in circles (a terminal strongly connected
// component of the state graph) while some live thread has not finished is a hang.

import { PoolError } from '../../src/errors.js';

/** An operation of a thread's script. */
export type Op =
  | { op: 'get' }
  | { op: 'put' }
  | { op: 'detach' }
  | { op: 'attach' }
  /** By the target's (localId, generation), or by `generation` instead: a stale or forged id. */
  | { op: 'reclaim'; target: number; generation?: number }
  /** By the target's thread id alone (ThreadSpec.threadId): reclaimThread. */
  | { op: 'reclaimThread'; target: number };

/** What the checker calls on a thread's attachment: SharedPool, MutexPool, or a copy of an older protocol. */
export interface Subject {
  readonly localId: number;
  readonly generation?: number;
  get(): number;
  put(id: number): void;
  reclaim(localId: number, generation: number): void;
  reclaimThread?(threadId: number): void;
  detach?(): void;
  reserve?(): { localId: number; generation: number };
}

export interface ThreadSpec {
  subject: Subject;
  script: Op[];
  /** May die at any step (and ends dead: exits without detaching). */
  mortal: boolean;
  /** Blocks it holds when the exploration starts. */
  holds?: number[];
  /**
   * Its attach operation (its script starts with one, and the thread starts detached): claims
   * or adopts a local over the model's words and returns what it got.
   */
  attach?: () => { localId: number; generation: number };
  /** The id its plain attach names it by (reclaimThread's argument). */
  threadId?: number;
}

export interface Model {
  /** The backing words, as the setup left them. */
  memory: Int32Array;
  threads: ThreadSpec[];
  blocks: number;
  /** Plain accesses to these words are not scheduling points (words one thread owns at a time). */
  ownWords: Set<number>;
  /** Words left out of state identity (counters: written, never read to decide anything). */
  ignoredWords: Set<number>;
  /** Where blocks are pooled now: ids, with repeats if a block is pooled twice. */
  pooled(memory: Int32Array): number[];
  /** Values in stranded ring slots (claimed or written and never handed back). */
  stranded(memory: Int32Array): number[];
  /**
   * Rings smaller than the arena (to wrap around within a few puts) can be full, which a real
   * ring cannot: a put that finds its ring full then fails like a put that gave up waiting.
   */
  smallRings?: boolean;
  /**
   * A final state's locals: a violation unless exactly the locals of `attached` (the live
   * threads' attachments) are attached, each at its generation, and every other local is free.
   */
  locals?(memory: Int32Array, attached: { thread: number; localId: number; generation: number }[]): string | undefined;
}

export interface Result {
  states: number;
  transitions: number;
  finals: number;
  deaths: number;
  maxLost: number;
  /** The first violation found, with the steps that led to it; undefined when none. */
  violation?: string;
}

// Access kinds.
const READ = 0, WRITE = 1, LOAD = 2, STORE = 3, RMW = 4, CAS = 5, CLOCK = 6, WAIT = 7, NOTIFY = 8;
const KIND_NAMES = ['read', 'write', 'load', 'store', 'rmw', 'cas', 'clock', 'wait', 'notify'];
const PENDING = -0x7fffffff;
const WAIT_OK = 0, WAIT_NOT_EQUAL = 1;
const JUMP = 1e9;

interface Entry {
  k: number;
  i: number;
  r: number;
  /** Whether it changed memory (a store, a successful CAS, ...): such a pass is progress. */
  w: boolean;
  /** For a clock read: where in the code it is (a hash of the call stack's line:column pairs); else 0. */
  pc: number;
}

interface Thread {
  op: number; // index into the script
  log: Entry[];
  status: 'run' | 'done' | 'dead';
  waitingOn: number; // -1, or the word of the Atomics.wait it is blocked in
  timed: boolean;
  woken: boolean;
  attached: boolean;
  held: number[];
  moving: number; // the block its current put is moving, or -1
  diedMidOp: boolean;
}

interface State {
  mem: Int32Array;
  threads: Thread[];
  deaths: number;
}

class Yield {}
const YIELD = new Yield();

/** One run of a thread's current operation against a state's memory (see the file comment). */
class Execution {
  pos = 0;
  performedVisible = false;
  choices = 1;
  wakes: number[] = [];
  deathPoints: { mem: Int32Array; wakes: number[]; thread: Thread }[] = [];
  blocked: number | undefined;
  pendingTimeout = Number.POSITIVE_INFINITY;

  constructor(
    readonly model: Model, readonly thread: Thread, readonly mem: Int32Array, readonly threads: Thread[],
    readonly choice: number, readonly mortal: boolean, readonly free: boolean,
  ) {}

  access(kind: number, index: number, perform: (mem: Int32Array) => number, changes: (result: number) => boolean, extra = 0): number {
    const log = this.thread.log;
    if (this.pos < log.length) {
      const entry = log[this.pos++]!;
      if (entry.k !== kind || entry.i !== index) {
        throw new Error(`model: the code is not deterministic: replay expected ${KIND_NAMES[entry.k]}@${entry.i}, got ${KIND_NAMES[kind]}@${index}`);
      }
      return entry.r;
    }
    const visible = kind !== READ && kind !== WRITE ? true : !this.model.ownWords.has(index);
    if (visible && this.performedVisible && !this.free) throw YIELD;
    let result: number;
    if (kind === CLOCK) {
      // The first read of an operation is its start (0); any later one may find the time past
      // every deadline (JUMP), and then time stays there.
      const last = [...log].reverse().find((e) => e.k === CLOCK);
      this.choices = last === undefined || last.r === JUMP ? 1 : 2;
      result = this.choice === 1 || last?.r === JUMP ? JUMP : 0;
    } else if (kind === WAIT) {
      if (this.mem[index] !== extra) {
        result = WAIT_NOT_EQUAL;
      } else {
        result = PENDING;
      }
    } else if (kind === NOTIFY) {
      const waiting = this.threads.flatMap((t, n) => (t.status === 'run' && t.waitingOn === index && !t.woken ? [n] : []));
      if (waiting.length <= extra) {
        this.wakes = waiting;
      } else {
        // Only a count of 1 is used with several waiters: choose which one.
        this.choices = waiting.length;
        this.wakes = [waiting[this.choice]!];
      }
      result = this.wakes.length;
    } else {
      result = perform(this.mem);
    }
    log.push({ k: kind, i: index, r: result, w: changes(result), pc: kind === CLOCK ? codePosition() : 0 });
    this.pos++;
    if (result === PENDING) {
      this.blocked = index;
      throw YIELD;
    }
    if (visible) this.performedVisible = true;
    if (this.mortal) this.deathPoints.push({ mem: this.mem.slice(), wakes: this.wakes.slice(), thread: cloneThread(this.thread) });
    return result;
  }
}

/** A 31-bit hash of where in the code an access is made: its call stack's positions. */
function codePosition(): number {
  const saved = Error.prepareStackTrace;
  Error.prepareStackTrace = (_, frames) => frames;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  Error.captureStackTrace(holder, codePosition);
  const frames = holder.stack ?? [];
  Error.prepareStackTrace = saved;
  let hash = 0x811c9dc5;
  for (let f = 1; f < Math.min(frames.length, 12); f++) {
    hash = Math.imul(hash ^ (frames[f]!.getLineNumber() ?? 0), 0x01000193);
    hash = Math.imul(hash ^ (frames[f]!.getColumnNumber() ?? 0), 0x01000193);
  }
  return hash >>> 1;
}

let current: Execution | undefined;

function vmAccess(kind: number, index: number, perform: (mem: Int32Array) => number, changes: (r: number) => boolean, extra = 0): number {
  if (current === undefined) throw new Error('model: memory accessed outside a step');
  return current.access(kind, index, perform, changes, extra);
}

/** The words every subject is built on: plain reads and writes become accesses. */
export function modelWords(length: number): Int32Array {
  const shape = new Int32Array(length);
  return new Proxy(shape, {
    get(target, key, receiver) {
      if (typeof key === 'string') {
        const code = key.charCodeAt(0);
        if (code >= 48 && code <= 57) {
          const index = Number(key);
          return vmAccess(READ, index, (mem) => mem[index]!, () => false);
        }
      }
      return Reflect.get(target, key, key === 'length' ? target : receiver);
    },
    set(target, key, value) {
      if (typeof key === 'string') {
        const code = key.charCodeAt(0);
        if (code >= 48 && code <= 57) {
          const index = Number(key);
          vmAccess(WRITE, index, (mem) => {
            mem[index] = value as number;
            return 0;
          }, () => true);
          return true;
        }
      }
      return Reflect.set(target, key, value);
    },
  });
}

const realAtomics = Atomics;
const realPerformance = globalThis.performance;

function modelAtomics(words: Int32Array): typeof Atomics {
  const rmw = (fn: (old: number, v: number) => number) => (array: Int32Array, index: number, value: number) => {
    if (array !== words) return undefined;
    return vmAccess(RMW, index, (mem) => {
      const old = mem[index]!;
      mem[index] = fn(old, value);
      return old;
    }, () => true);
  };
  const fake = {
    load: (array: Int32Array, index: number) => (array !== words ? realAtomics.load(array, index)
      : vmAccess(LOAD, index, (mem) => mem[index]!, () => false)),
    store: (array: Int32Array, index: number, value: number) => (array !== words ? realAtomics.store(array, index, value)
      : vmAccess(STORE, index, (mem) => {
        mem[index] = value;
        return value;
      }, () => true)),
    add: rmw((a, b) => (a + b) | 0),
    sub: rmw((a, b) => (a - b) | 0),
    and: rmw((a, b) => a & b),
    or: rmw((a, b) => a | b),
    xor: rmw((a, b) => a ^ b),
    exchange: rmw((_, b) => b),
    compareExchange: (array: Int32Array, index: number, expected: number, replacement: number) => (array !== words
      ? realAtomics.compareExchange(array, index, expected, replacement)
      : vmAccess(CAS, index, (mem) => {
        const old = mem[index]!;
        if (old === (expected | 0)) mem[index] = replacement;
        return old;
      }, (old) => old === (expected | 0))),
    wait: (array: Int32Array, index: number, value: number, timeout = Number.POSITIVE_INFINITY) => {
      if (array !== words) return realAtomics.wait(array, index, value, timeout);
      if (current !== undefined) current.pendingTimeout = timeout;
      const r = vmAccess(WAIT, index, () => 0, () => false, value);
      return r === WAIT_NOT_EQUAL ? 'not-equal' : 'ok';
    },
    notify: (array: Int32Array, index: number, count = Number.POSITIVE_INFINITY) => (array !== words
      ? realAtomics.notify(array, index, count)
      : vmAccess(NOTIFY, index, () => 0, () => false, count)),
    isLockFree: (n: number) => realAtomics.isLockFree(n),
  };
  return fake as unknown as typeof Atomics;
}

/** Runs `body` with the model's Atomics and clock installed. */
export function withModel<T>(words: Int32Array, body: () => T): T {
  const g = globalThis as unknown as { Atomics: typeof Atomics; performance: { now(): number } };
  g.Atomics = modelAtomics(words);
  Object.defineProperty(globalThis, 'performance', {
    value: { now: () => vmAccess(CLOCK, -1, () => 0, () => false) }, configurable: true, writable: true,
  });
  try {
    return body();
  } finally {
    g.Atomics = realAtomics;
    Object.defineProperty(globalThis, 'performance', { value: realPerformance, configurable: true, writable: true });
  }
}

/** Runs `body` (setup) with every access performed at once on `memory`. */
export function runFree(memory: Int32Array, body: () => void): void {
  const scratch: Thread = { op: 0, log: [], status: 'run', waitingOn: -1, timed: false, woken: false, attached: true, held: [], moving: -1, diedMidOp: false };
  const model = { ownWords: new Set<number>() } as Model;
  current = new Execution(model, scratch, memory, [], 0, false, true);
  try {
    body();
  } finally {
    current = undefined;
  }
}

function cloneThread(t: Thread): Thread {
  return { ...t, log: t.log.slice(), held: t.held.slice() };
}

/**
 * Drops a trailing pass that repeats the pass before it read for read at the same code
 * positions (see "Spinning"): the thread is then where it was one pass earlier.
 */
function collapse(log: Entry[]): void {
  for (let period = 1; 2 * period <= log.length && period <= 64; period++) {
    const end = log.length;
    let same = true;
    let clock = false;
    for (let j = 0; j < period && same; j++) {
      const a = log[end - period + j]!;
      const b = log[end - 2 * period + j]!;
      same = !a.w && !b.w && a.k === b.k && a.i === b.i && a.r === b.r && a.pc === b.pc;
      clock ||= a.k === CLOCK;
    }
    if (same && clock) {
      log.length = end - period;
      return;
    }
  }
}

const keyWordsOf = new WeakMap<Model, number[]>();

function key(model: Model, s: State): string {
  let words = keyWordsOf.get(model);
  if (words === undefined) {
    words = [];
    for (let i = 0; i < s.mem.length; i++) if (!model.ignoredWords.has(i)) words.push(i);
    keyWordsOf.set(model, words);
  }
  const parts: (string | number)[] = [];
  for (const i of words) parts.push(s.mem[i]!);
  for (const t of s.threads) {
    parts.push('|', t.op, t.status, t.waitingOn, t.woken ? 1 : 0, t.attached ? 1 : 0, t.moving, t.diedMidOp ? 1 : 0, ':', ...t.held, ':');
    for (const e of t.log) if (!model.ignoredWords.has(e.i)) parts.push(e.k, e.i, e.r);
  }
  return parts.join(',');
}

/** Explores every interleaving and death of `model`; stops at the first violation. */
export function explore(model: Model, limits: { maxDeaths: number; maxStates?: number }): Result {
  const words = (model.threads[0]!.subject as unknown as { words: Int32Array }).words;
  return withModel(words, () => search(model, limits));
}

function search(model: Model, limits: { maxDeaths: number; maxStates?: number }): Result {
  const initial: State = {
    mem: model.memory.slice(),
    deaths: 0,
    threads: model.threads.map((spec) => ({
      op: 0, log: [], status: spec.script.length === 0 ? (spec.mortal ? 'dead' : 'done') : 'run', waitingOn: -1, timed: false,
      woken: false, attached: spec.attach === undefined, held: (spec.holds ?? []).slice(), moving: -1, diedMidOp: false,
    })),
  };
  const result: Result = { states: 0, transitions: 0, finals: 0, deaths: 0, maxLost: 0 };
  // Tarjan's strongly connected components, iteratively: a component that no edge leaves and in
  // which some live thread has not finished is a hang (the threads can only go round in it).
  interface Info { index: number; low: number; onStack: boolean; exits: boolean; live: boolean }
  interface Frame { key: string; info: Info; state: State; next: State[]; labels: string[][]; deaths: boolean[]; label: string[]; viaDeath: boolean }
  const infos = new Map<string, Info>();
  const components: string[] = [];
  const path: Frame[] = [];
  const fail = (message: string, labels: string[]) => {
    const trace = path.map((f, n) => `${n}: ${f.label.join(' ')}`).concat(labels).join('\n  ');
    result.violation = `${message}\n  after:\n  ${trace}`;
  };
  const enter = (state: State, k: string, label: string[], viaDeath: boolean): boolean => {
    const info: Info = { index: result.states, low: result.states, onStack: true, exits: false, live: state.threads.some((t) => t.status === 'run') };
    infos.set(k, info);
    components.push(k);
    result.states++;
    result.deaths = Math.max(result.deaths, state.deaths);
    const problem = checkState(model, state);
    if (problem !== undefined) {
      fail(problem, label);
      return true;
    }
    const { successors, labels, deaths, stuck } = successorsOf(model, state, limits.maxDeaths);
    if (stuck !== undefined) {
      fail(stuck, label);
      return true;
    }
    result.transitions += successors.length;
    if (successors.length === 0 && !info.live) {
      result.finals++;
      const lost = checkFinal(model, state);
      if (typeof lost === 'string') {
        fail(lost, label);
        return true;
      }
      result.maxLost = Math.max(result.maxLost, lost);
      info.exits = true; // a finished run is where it is meant to end
    }
    path.push({ key: k, info, state, next: successors, labels, deaths, label, viaDeath });
    return false;
  };
  if (enter(initial, key(model, initial), ['start'], false)) return result;
  while (path.length > 0) {
    if (limits.maxStates !== undefined && result.states > limits.maxStates) {
      result.violation = `model: more than ${limits.maxStates} states; shrink the model`;
      return result;
    }
    const frame = path.at(-1)!;
    const next = frame.next.pop();
    if (next !== undefined) {
      const label = frame.labels.pop()!;
      const viaDeath = frame.deaths.pop()!;
      const k = key(model, next);
      const seen = infos.get(k);
      if (seen === undefined) {
        if (enter(next, k, label, viaDeath)) return result;
      } else if (viaDeath) {
        // Not a way out: see Successors.deaths. (A death never leads back: it adds to the dead.)
      } else if (seen.onStack) {
        frame.info.low = Math.min(frame.info.low, seen.index);
      } else {
        frame.info.exits = true; // into a finished component
      }
      continue;
    }
    path.pop();
    const parent = path.at(-1);
    const info = frame.info;
    if (info.low === info.index) {
      const members: Info[] = [];
      for (let k = components.pop()!; ; k = components.pop()!) {
        const member = infos.get(k)!;
        member.onStack = false;
        members.push(member);
        if (k === frame.key) break;
      }
      if (!members.some((m) => m.exits) && members.some((m) => m.live)) {
        path.push(frame);
        const logs = frame.state.threads.map((t, n) => (t.status === 'run' ? `\n  T${n}'s operation so far: ${t.log.map(describeEntry).join(' ')}` : '')).join('');
        fail(`hang: from here the threads can only go round ${members.length} state(s) and a live thread never finishes (${describeThreads(frame.state)})${logs}`, []);
        return result;
      }
      if (parent !== undefined && !frame.viaDeath) parent.info.exits = true;
    } else if (parent !== undefined) {
      parent.info.low = Math.min(parent.info.low, info.low);
      if (info.exits) parent.info.exits = true;
    }
  }
  return result;
}

function describeThreads(s: State): string {
  return s.threads.map((t, n) => `T${n}:${t.status}${t.waitingOn >= 0 ? `(waiting@${t.waitingOn})` : ''} op${t.op}`).join(' ');
}

interface Successors {
  successors: State[];
  labels: string[][];
  /** Whether each successor is a death: no way out of a hang, since a hang is about the threads that live on. */
  deaths: boolean[];
  stuck?: string;
}

function successorsOf(model: Model, s: State, maxDeaths: number): Successors {
  const successors: State[] = [];
  const labels: string[][] = [];
  const deaths: boolean[] = [];
  const mayDie = (n: number) => model.threads[n]!.mortal && s.deaths < maxDeaths;
  for (const [n, t] of s.threads.entries()) {
    if (t.status !== 'run') continue;
    const op = model.threads[n]!.script[t.op]!;
    if (mayDie(n)) {
      successors.push(kill(model, s, n, s.mem, [], t));
      labels.push([`T${n} dies before its next access in ${describe(op)} (${describeThreads(s)})`]);
      deaths.push(true);
    }
    if ((op.op === 'reclaim' || op.op === 'reclaimThread') && s.threads[op.target]!.status !== 'dead') continue; // waits for the 'exit' event
    if (t.waitingOn >= 0 && !t.woken && !t.timed) continue; // asleep until notified
    for (let choice = 0, choices = 1; choice < choices; choice++) {
      const step = runStep(model, s, n, choice, mayDie(n));
      choices = step.choices;
      if (step.error !== undefined) return { successors, labels, deaths, stuck: step.error };
      for (const point of step.deathPoints) {
        successors.push(kill(model, s, n, point.mem, point.wakes, point.thread));
        labels.push([`T${n} dies inside ${describe(op)} after ${describeEntry(point.thread.log.at(-1))}`]);
        deaths.push(true);
      }
      successors.push(step.state);
      labels.push([`T${n} ${describe(op)}${step.summary}`]);
      deaths.push(false);
    }
  }
  return { successors, labels, deaths };
}

function describe(op: Op): string {
  if (op.op === 'reclaimThread') return `reclaimThread(T${op.target})`;
  if (op.op !== 'reclaim') return op.op;
  return op.generation === undefined ? `reclaim(T${op.target})` : `reclaim(T${op.target} at generation ${op.generation})`;
}

function describeEntry(e: Entry | undefined): string {
  return e === undefined ? 'nothing' : `${KIND_NAMES[e.k]}@${e.i}=${e.r}`;
}

/** The state in which thread n has died, with memory `mem`, having woken `wakes`, as `partial` left it. */
function kill(model: Model, s: State, n: number, mem: Int32Array, wakes: number[], partial: Thread): State {
  const threads = s.threads.map(cloneThread);
  const t = cloneThread(partial);
  threads[n] = t;
  for (const w of wakes) threads[w]!.woken = true;
  // Inside a get or a reclaim it may have been moving a block the checker cannot name (a put's is `moving`).
  // An attach moves no block.
  const kind = model.threads[n]!.script[t.op]!.op;
  t.diedMidOp = kind !== 'put' && kind !== 'attach' && t.log.length > 0;
  t.status = 'dead';
  t.log = [];
  t.waitingOn = -1;
  return { mem: mem.slice(), threads, deaths: s.deaths + 1 };
}

interface Step {
  state: State;
  choices: number;
  deathPoints: Execution['deathPoints'];
  summary: string;
  error?: string;
}

function runStep(model: Model, s: State, n: number, choice: number, mortal: boolean): Step {
  const threads = s.threads.map(cloneThread);
  const t = threads[n]!;
  const spec = model.threads[n]!;
  const op = spec.script[t.op]!;
  const mem = s.mem.slice();
  if (t.waitingOn >= 0) {
    // Resume from Atomics.wait: notified, or timed out. The pools treat both alike (they look at
    // the lock word again), so the log does not tell them apart: fewer states, the same runs.
    t.log.at(-1)!.r = WAIT_OK;
    t.waitingOn = -1;
    t.woken = false;
    t.timed = false;
  }
  if (op.op === 'put' && t.log.length === 0 && t.moving < 0) {
    t.moving = t.held.pop() ?? -1;
  }
  const subject = spec.subject as Subject & { attached?: boolean };
  if ('attached' in subject) subject.attached = t.attached;
  const exec = new Execution(model, t, mem, threads, choice, mortal, false);
  current = exec;
  let outcome: 'yield' | 'done' | 'threw' = 'done';
  let value: unknown;
  try {
    value = runOp(subject, op, t, model, spec);
  } catch (error) {
    if (error instanceof Yield) outcome = 'yield';
    else {
      outcome = 'threw';
      value = error;
    }
  } finally {
    current = undefined;
  }
  // The last death point is where the step ended: dying there is the next state's "dies before its next access".
  const step: Step = { state: { mem, threads, deaths: s.deaths }, choices: exec.choices, deathPoints: exec.deathPoints.slice(0, -1), summary: '' };
  for (const w of exec.wakes) threads[w]!.woken = true;
  if (outcome === 'yield') {
    if (exec.blocked !== undefined) {
      t.waitingOn = exec.blocked;
      t.timed = Number.isFinite(exec.pendingTimeout);
      step.summary = ` sleeps on word ${exec.blocked}`;
    } else {
      step.summary = ` ${describeEntry(t.log.at(-1))}`;
      collapse(t.log);
    }
    return step;
  }
  // The operation finished.
  if ('attached' in subject) t.attached = subject.attached as boolean;
  if (outcome === 'threw') {
    const error = value;
    const gaveUp = error instanceof PoolError && (/waited \d+ ms/.test(error.message) || (model.smallRings === true && /ring is full/.test(error.message)));
    if (op.op === 'attach' && error instanceof PoolError && /not reserved at generation|locals are attached or reserved/.test(error.message)) {
      // Refused, as documented: the thread has no attachment and exits.
      t.log = [];
      t.op = spec.script.length;
      t.status = spec.mortal ? 'dead' : 'done';
      step.summary = ' refused (PoolError)';
      return step;
    }
    if (!gaveUp) {
      step.error = `T${n} ${describe(op)} threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
      return step;
    }
    // A wait that outlasted waitLimitMs (a clock jump) gave up, as documented, or a small ring was
    // full: the block stays with its thread.
    if (t.moving >= 0) t.held.push(t.moving);
    step.summary = ' gave up (PoolError)';
  } else {
    if (op.op === 'get' && typeof value === 'number' && value >= 0) t.held.push(value);
    step.summary = ` -> ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`;
  }
  t.moving = -1;
  t.log = [];
  t.op++;
  if (t.op >= spec.script.length) t.status = spec.mortal ? 'dead' : 'done';
  return step;
}

function runOp(subject: Subject & { attached?: boolean }, op: Op, t: Thread, model: Model, spec: ThreadSpec): unknown {
  switch (op.op) {
    case 'attach': {
      const got = spec.attach!();
      if (got.localId !== subject.localId || got.generation !== (subject.generation ?? 0)) {
        throw new Error(`model: attach gave local ${got.localId} at generation ${got.generation}, not the attachment's ` +
          `local ${subject.localId} at generation ${subject.generation}`);
      }
      subject.attached = true;
      return got.localId;
    }
    case 'get': return subject.get();
    case 'put': return t.moving >= 0 ? subject.put(t.moving) : undefined;
    case 'detach': return subject.detach?.();
    case 'reclaim': {
      const target = model.threads[op.target]!.subject;
      return subject.reclaim(target.localId, op.generation ?? target.generation ?? 0);
    }
    case 'reclaimThread': return subject.reclaimThread!(model.threads[op.target]!.threadId!);
  }
}

function checkState(model: Model, s: State): string | undefined {
  const pooled = model.pooled(s.mem);
  const where = new Map<number, string>();
  for (const id of pooled) {
    if (where.has(id)) return `block ${id} is pooled twice (${describeThreads(s)})`;
    where.set(id, 'pool');
  }
  for (const [n, t] of s.threads.entries()) {
    for (const id of t.held) {
      if (where.has(id)) return `block ${id} is held by T${n} and also in ${where.get(id)} (${describeThreads(s)})`;
      where.set(id, `T${n}'s hands`);
    }
  }
  return undefined;
}

/** The number of blocks lost in a final state, or a violation. */
function checkFinal(model: Model, s: State): number | string {
  const accounted = new Set<number>([...model.pooled(s.mem), ...model.stranded(s.mem)]);
  for (const t of s.threads) if (t.status !== 'dead') for (const id of t.held) accounted.add(id);
  const bump = s.mem[16]!;
  for (let id = Math.min(bump, model.blocks); id < model.blocks; id++) accounted.add(id);
  const allowed = new Set<number>();
  let midGets = 0;
  for (const t of s.threads) {
    if (t.status !== 'dead') continue;
    for (const id of t.held) allowed.add(id);
    if (t.moving >= 0) allowed.add(t.moving);
    if (t.diedMidOp) midGets++;
  }
  const lost: number[] = [];
  for (let id = 0; id < model.blocks; id++) if (!accounted.has(id)) lost.push(id);
  const unexplained = lost.filter((id) => !allowed.has(id));
  if (unexplained.length > midGets) {
    return `blocks ${unexplained.join(', ')} are lost, but the dead threads held none of them and only ${midGets} died inside an operation (${describeThreads(s)})`;
  }
  const stranded = model.stranded(s.mem).length;
  const deadMidOp = s.threads.filter((t) => t.status === 'dead').length;
  if (stranded > deadMidOp) return `${stranded} stranded slots, more than the ${deadMidOp} dead threads can have left`;
  const attached = s.threads.flatMap((t, n) => {
    const subject = model.threads[n]!.subject;
    return t.status === 'done' && t.attached ? [{ thread: n, localId: subject.localId, generation: subject.generation ?? 0 }] : [];
  });
  const locals = model.locals?.(s.mem, attached);
  if (locals !== undefined) return `${locals} (${describeThreads(s)})`;
  return lost.length;
}
