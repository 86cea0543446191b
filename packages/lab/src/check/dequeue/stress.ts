/**
 * Task 7's stress run: the learner's ring on real workers (an owner and `stealers` stealers)
 * moves `count` values, with exact accounting (each value taken exactly once) and a watchdog:
 * when no thread moves a value for `stallMs`, the run is reported as a hang with what
 * each thread was doing and what the ring's words held, and the workers are terminated.
 */
import { Worker } from 'node:worker_threads';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { auditSeen, judgeDequeue } from '../../exercises/07-dequeue-stress.js';

export interface StressTask {
  file: string;
  role: 'owner' | 'stealer';
  /** This thread's index in `where`. */
  index: number;
  capacity: number;
  ring: SharedArrayBuffer;
  seen: SharedArrayBuffer;
  /** Per thread 3 words: the operation in progress (WHERE codes), the values it moved and the values it took; then the owner's done flag. */
  where: SharedArrayBuffer;
  count: number;
  popHeadEvery: number;
}

/** What `where` holds for a thread: the codes stress-worker.ts stores. */
export const WHERE = ['between operations', 'pushHead', 'popHead', 'popTail', 'finished'] as const;

export interface StressOptions {
  file: string;
  words: number;
  capacity: number;
  count: number;
  stealers: number;
  popHeadEvery: number;
  /** No thread moved a value for this long: a hang. */
  stallMs: number;
  /** The whole run may take this long. */
  limitMs: number;
}

export interface StressOutcome {
  ok: boolean;
  /** What went wrong, with the numbers; or what was moved. */
  summary: string;
  ms: number;
  /** Per thread: its name, values it moved (pushed or took), where it was at the end. */
  threads: { name: string; ops: number; takes: number; where: string }[];
  lost: number;
  duplicated: number;
  outOfRange: number;
  /** The ring's words when a hang was reported (at most the first 40). */
  words?: number[];
}

const workerFile = fileURLToPath(new URL(`./stress-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

export async function stress(o: StressOptions): Promise<StressOutcome> {
  const threads = 1 + o.stealers;
  const ring = new SharedArrayBuffer(4 * o.words);
  const seen = new SharedArrayBuffer(4 * (o.count + 1));
  const where = new SharedArrayBuffer(4 * (3 * threads + 1));
  const whereWords = new Int32Array(where);
  const names = ['owner', ...Array.from({ length: o.stealers }, (_, n) => `stealer ${n + 1}`)];
  const started = performance.now();
  const errors: string[] = [];
  const workers = names.map((_, index) => {
    const task: StressTask = {
      file: o.file, role: index === 0 ? 'owner' : 'stealer', index, capacity: o.capacity, ring, seen, where, count: o.count, popHeadEvery: o.popHeadEvery,
    };
    const w = new Worker(workerFile, { workerData: task });
    const exited = new Promise<void>((resolve) => {
      w.on('error', (e) => errors.push(`${names[index]}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`));
      w.on('exit', () => resolve());
    });
    return { w, exited };
  });
  const allExited = Promise.all(workers.map((w) => w.exited));
  const snapshot = () => names.map((name, n) => ({
    name, ops: Atomics.load(whereWords, 3 * n + 1), takes: Atomics.load(whereWords, 3 * n + 2), where: WHERE[Atomics.load(whereWords, 3 * n)] ?? 'unknown',
  }));
  let hang: string | undefined;
  let words: number[] | undefined;
  let lastTotal = -1;
  let lastChange = performance.now();
  let finished = false;
  void allExited.then(() => { finished = true; });
  while (!finished && errors.length === 0) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const total = snapshot().reduce((n, t) => n + t.ops, 0);
    const now = performance.now();
    if (total !== lastTotal) {
      lastTotal = total;
      lastChange = now;
    }
    if (!finished && (now - lastChange > o.stallMs || now - started > o.limitMs)) {
      hang = now - lastChange > o.stallMs
        ? `no thread moved a value for ${o.stallMs} ms`
        : `the run took longer than ${o.limitMs / 1000} s`;
      words = Array.from(new Int32Array(ring).subarray(0, 40));
      break;
    }
  }
  const threadsAtEnd = snapshot();
  for (const { w } of workers) void w.terminate();
  await allExited;
  const ms = performance.now() - started;
  const counts = new Int32Array(seen);
  // The reference run's audit and judge, on the learner's ring.
  const audit = auditSeen(counts.subarray(0, o.count));
  const outOfRange = counts[o.count]!;
  const popHeads = threadsAtEnd[0]!.takes;
  const popTails = threadsAtEnd.slice(1).reduce((n, t) => n + t.takes, 0);
  const judged = judgeDequeue({ count: o.count, ...audit, popHeads, popTails });
  const base = { ms, threads: threadsAtEnd, lost: audit.lost, duplicated: audit.duplicated, outOfRange, ...(words === undefined ? {} : { words }) };
  const doing = threadsAtEnd.map((t) => `${t.name} ${t.where === 'between operations' || t.where === 'finished' ? t.where : `inside ${t.where}`} after moving ${t.ops} values`).join('; ');
  if (errors.length > 0) return { ok: false, summary: `a thread threw: ${errors.join('; ')}`, ...base };
  if (hang !== undefined) {
    return { ok: false, summary: `hang: ${hang} (${doing}); the ring's words: [${words!.join(', ')}]`, ...base };
  }
  const range = outOfRange > 0 ? ` ${outOfRange} pop(s) returned something nobody pushed.` : '';
  return { ok: judged.verdict === 'holds' && outOfRange === 0, summary: `${judged.reason}${range} (${Math.round(ms)} ms, ring of ${o.capacity}, ${o.stealers} stealers)`, ...base };
}
