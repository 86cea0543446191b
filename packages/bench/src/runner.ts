import { fork } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBenchtime, type Benchtime } from './benchtime.js';
import type { BenchResult, BenchValue } from './benchfmt.js';
import type { ChildMessage, PassResult, StartMessage } from './child.js';
import { BenchError } from './errors.js';
import { resultLine, withProcs, type LineValues } from './format.js';
import { loaderArgs } from './loader.js';
import { Matcher } from './names.js';
import { FLOOR_FACTOR, MEMORY_FLAGS, type PassConfig, type PassKind, type PassOutput, type PassRecord } from './passes.js';
import { NOT_MEASURED, RUNTIME, runtimeVersion } from './runtime.js';
import { flagArg } from './v8flags.js';

export interface RunOptions {
  /** Regular expression selecting benchmarks, split at '/' per level as in go test -bench (default '.'). */
  bench?: string;
  /** '1s', '500ms', '200x'... (default '1s'). */
  benchtime?: string;
  /** Timing runs per benchmark, each in a fresh process (default 1). */
  count?: number;
  onProgress?: (event: ProgressEvent) => void;
  /** Where the benchmark files' own console output goes (default: this process's stderr). */
  onOutput?: (chunk: string) => void;
}

export interface ProgressEvent { file: string; pass: PassKind; step: number; steps: number }

export interface BenchFailure { file: string; name?: string; message: string }

export interface RunResult {
  /** Go benchmark format, one block per file. */
  text: string;
  /** One record per result line, with exact (untruncated) values. */
  results: Array<BenchResult & { file: string }>;
  failures: BenchFailure[];
  /** Results that may be dead code (at the empty-loop floor) and other notes. */
  warnings: string[];
}

const BENCH_FILE = /\.bench\.(ts|mts|js|mjs)$/;

/** Benchmark files named by `paths`: files as given, directories searched for *.bench.{ts,js,mts,mjs}. */
export function findBenchFiles(paths: string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (BENCH_FILE.test(entry.name)) found.push(path);
    }
  };
  for (const path of paths) {
    if (!existsSync(path)) throw new BenchError(`${path}: no such file or directory`);
    if (!statSync(path).isDirectory()) {
      found.push(path);
      continue;
    }
    const before = found.length;
    walk(path);
    if (found.length === before) throw new BenchError(`${path}: no *.bench.ts, *.bench.js, *.bench.mts or *.bench.mjs files in this directory`);
  }
  return found;
}

/** The compiled child next to this module: runs go through the package's dist, never its source. */
const CHILD_ENTRY = join(dirname(fileURLToPath(import.meta.url)), 'child.js');

/** A pass process, started before it is given its pass (see child.ts). */
interface PassProcess {
  /** Sends the pass; resolves with its result (or why there is none) once the process has exited. */
  run(config: PassConfig): Promise<PassResult>;
  /** Settles once the process's timing is over (or it exited): another may start then. */
  timed: Promise<void>;
  /** Ends a process that was started and then not needed. */
  cancel(): void;
}

function spawnPass(file: string, onOutput: (chunk: string) => void): PassProcess {
  const child = fork(CHILD_ENTRY, [file], {
    execArgv: loaderArgs(file),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let kind = 'unstarted';
  let message: PassResult | undefined;
  let stderr = '';
  let timedDone = (): void => {};
  const timed = new Promise<void>((resolve) => { timedDone = resolve; });
  child.stdout?.on('data', (b: Buffer) => onOutput(b.toString()));
  child.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString();
    onOutput(b.toString());
  });
  child.on('message', (m: ChildMessage) => {
    if ('timed' in m) timedDone();
    else message = m;
  });
  const result = new Promise<PassResult>((done, fail) => {
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      timedDone();
      if (message !== undefined) done(message);
      // Node exits with 13 when the event loop empties under an unsettled top-level await.
      else if (code === 13) done({ loadError: 'an async benchmark returned a Promise that never settled (nothing was left for it to wait on)' });
      else done({ loadError: `the ${kind} pass process exited with ${signal ?? `code ${code}`} before reporting:\n${stderr.slice(-2000)}` });
    });
  });
  return {
    run(config) {
      kind = config.kind;
      // A child that already died (its exit is reported by `result`) cannot take the message.
      if (child.connected) child.send({ config } satisfies StartMessage, () => {});
      return result;
    },
    timed,
    cancel() {
      result.catch(() => {});
      child.kill();
    },
  };
}

function configLines(pkg: string, benchtime: string): string[] {
  const lines = [
    `goos: ${process.platform}`,
    `goarch: ${({ x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' } as Record<string, string>)[process.arch] ?? process.arch}`,
    `pkg: ${pkg}`,
    `cpu: ${os.cpus()[0]?.model.trim() ?? 'unknown'}`,
    `${RUNTIME}: ${runtimeVersion()}`,
    // Bun's process.versions.v8 is the version of Node's API it imitates, not an engine it runs.
    RUNTIME === 'bun' ? `jsc: ${process.versions['webkit'] ?? 'unknown'}` : `v8: ${process.versions.v8}`,
    `benchtime: ${benchtime}`,
  ];
  const missing = NOT_MEASURED[RUNTIME];
  if (missing === undefined) lines.push('timing-flags: (none)', `memory-flags: ${MEMORY_FLAGS.map(([name, on]) => flagArg(name, on)).join(' ')}`);
  else lines.push(`memory: ${missing}`);
  const nodeOptions = process.env['NODE_OPTIONS'];
  if (nodeOptions) lines.push(`node-options: ${nodeOptions}`);
  return lines;
}

/**
 * Bytes per op truncated to the whole byte, as Go's AllocedBytesPerOp divides. What a count has
 * beyond the benchmark's own bytes is the harness's heap activity (a few hundred bytes per pass,
 * spread over N), always added and different from process to process: kept, it would make two
 * runs of the same code differ significantly in B/op; truncated, it vanishes once N is large.
 */
function wholeBytes(perOp: number): number {
  return Math.trunc(perOp);
}

/**
 * One result line's values from the record of one round's process. As in
 * Go, a metric the benchmark reported under a built-in unit (ns/op, MB/s, B/op, allocs/op)
 * replaces the measured one.
 */
function merge(t: PassRecord): LineValues {
  const reported = new Map(t.extra ?? []);
  const builtin = (unit: string, measured: number): number => {
    const v = reported.get(unit);
    reported.delete(unit);
    return v ?? measured;
  };
  const seconds = (t.ns ?? 0) / 1e9;
  const bytes = t.bytesPerOpSet ?? 0;
  const memN = t.bytesN ?? 1;
  const values: LineValues = {
    n: t.n,
    nsPerOp: builtin('ns/op', (t.ns ?? 0) / t.n),
    mbPerSec: builtin('MB/s', bytes > 0 && seconds > 0 ? (bytes * t.n) / 1e6 / seconds : 0),
    extra: [],
  };
  const measured: Array<[string, number]> = [];
  if (t.heapBytes !== undefined) {
    // Bytes and GCs were counted (Node; Deno: heap bytes); allocations where the runtime lets them be (Node).
    values.memory = { bytesPerOp: builtin('B/op', wholeBytes((t.heapBytes + (t.offHeapBytes ?? 0)) / memN)) };
    if (t.allocations !== undefined) values.memory.allocsPerOp = builtin('allocs/op', t.allocations / (t.allocsN ?? 1));
    if (t.offHeapBytes !== undefined) measured.push(['offheap-B/op', wholeBytes(t.offHeapBytes / memN)]);
    measured.push(['minor-GCs/op', (t.minorGCs ?? 0) / memN], ['major-GCs/op', (t.majorGCs ?? 0) / memN]);
  }
  values.extra = [...reported, ...measured];
  return values;
}

function toValues(v: LineValues): BenchValue[] {
  const values: BenchValue[] = [{ value: v.nsPerOp, unit: 'ns/op' }];
  if (v.mbPerSec !== 0) values.push({ value: v.mbPerSec, unit: 'MB/s' });
  for (const [unit, value] of [...v.extra].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) values.push({ value, unit });
  if (v.memory !== undefined) values.push({ value: v.memory.bytesPerOp, unit: 'B/op' });
  if (v.memory?.allocsPerOp !== undefined) values.push({ value: v.memory.allocsPerOp, unit: 'allocs/op' });
  return values;
}

interface Settings {
  pattern: string;
  benchtime: Benchtime;
  benchtimeText: string;
  count: number;
  procs: number;
  onOutput: (chunk: string) => void;
  onProgress: ((event: ProgressEvent) => void) | undefined;
}

/** What the passes over one file produced, per benchmark. */
interface FileRun {
  /** The benchmarks measured, in the order the list pass ran them. */
  leaves: string[];
  /** Per benchmark, one record (time and memory) per round, in round order. */
  records: Map<string, PassRecord[]>;
  /** The first failure of each benchmark, in any pass. */
  failed: Map<string, string>;
  /** The list pass could not load the file. */
  loadError?: string;
}

/**
 * The list pass, then every benchmark in processes of its own, one per round: the rounds
 * alternate the benchmarks (so that a change in the machine's load falls on all of them), and
 * each process times its benchmark and then counts its memory, at the N the first round chose
 * (memoryN): --count N gives N independent samples of every metric.
 */
async function runPasses(file: string, pkg: string, s: Settings): Promise<FileRun> {
  const run: FileRun = { leaves: [], records: new Map(), failed: new Map() };
  let step = 0;
  let steps = 1;
  // The next pass's process starts while this one counts memory (the list pass: at once, it
  // times nothing), so that its start and import do not add to the wall time; it waits for
  // its config, and no two processes ever time at once.
  let next: PassProcess | undefined = spawnPass(file, s.onOutput);
  const pass = async (config: PassConfig, more: boolean): Promise<PassOutput | string> => {
    s.onProgress?.({ file: pkg, pass: config.kind, step: step++, steps });
    const proc = next ?? spawnPass(file, s.onOutput);
    next = undefined;
    const result = proc.run(config);
    if (more) {
      if (config.kind !== 'list') await proc.timed;
      next = spawnPass(file, s.onOutput);
    }
    const message = await result;
    if ('loadError' in message) return message.loadError;
    for (const f of message.output.failures) if (!run.failed.has(f.name)) run.failed.set(f.name, f.message);
    return message.output;
  };
  const base = { benchtime: s.benchtime, pattern: s.pattern };
  try {
    const list = await pass({ ...base, kind: 'list' }, true);
    if (typeof list === 'string') return { ...run, loadError: list };
    run.leaves = list.leaves;
    steps = 1 + run.leaves.length * s.count;
    const measure = async (target: string, memoryN: number | undefined, more: boolean): Promise<PassRecord | undefined> => {
      const kind = 'measure';
      const config: PassConfig = { ...base, kind, target };
      if (memoryN !== undefined) config.memoryN = memoryN;
      const out = await pass(config, more);
      if (typeof out === 'string') {
        if (!run.failed.has(target)) run.failed.set(target, `the ${kind} pass failed to load ${pkg}:\n${out}`);
        return undefined;
      }
      const record = out.records.find((r) => r.name === target);
      if (record === undefined && !run.failed.has(target)) {
        run.failed.set(target, `the ${kind} pass did not find ${target} in a process of its own: ` +
          'the file must register the same benchmarks and sub-benchmarks, in the same order, every time it runs');
      }
      return record;
    };
    for (let c = 0; c < s.count; c++) {
      for (const [i, leaf] of run.leaves.entries()) {
        if (run.failed.has(leaf)) continue;
        const earlier = run.records.get(leaf) ?? [];
        const record = await measure(leaf, earlier[0]?.memoryN, c < s.count - 1 || i < run.leaves.length - 1);
        if (record !== undefined) run.records.set(leaf, [...earlier, record]);
      }
    }
    return run;
  } finally {
    // Started for a pass that did not come (the file failed to load, or had no benchmarks).
    next?.cancel();
  }
}

/** The Go-format block of one file, and the same results, failures and warnings as data. */
function report(pkg: string, run: FileRun, s: Settings, seconds: string): Omit<RunResult, 'text'> & { block: string } {
  const config = configLines(pkg, s.benchtimeText);
  const lines = [...config];
  const out: Omit<RunResult, 'text'> = { results: [], failures: [], warnings: [] };
  const configRecord = Object.fromEntries(config.map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
  if (run.loadError !== undefined) out.failures.push({ file: pkg, message: `cannot load ${pkg}:\n${run.loadError}` });
  const measured = run.leaves.filter((name) => !run.failed.has(name));
  const maxLen = Math.max(0, ...[...measured, ...run.failed.keys()].map((n) => withProcs(n, s.procs).length));
  // Result lines grouped per benchmark, as go test -count prints them.
  for (const name of measured) {
    const full = withProcs(name, s.procs);
    for (const t of run.records.get(name) ?? []) {
      const values = merge(t);
      lines.push(resultLine(full, maxLen, values));
      out.results.push({ file: pkg, name, procs: s.procs, iterations: values.n, values: toValues(values), config: configRecord });
      if (t.nearFloorNs !== undefined && !out.warnings.some((w) => w.startsWith(`${full}:`))) {
        out.warnings.push(`${full}: ${t.nearFloorNs.toFixed(3)} ns/op is within ${FLOOR_FACTOR}× of an empty loop ` +
          `(${(t.floorNs ?? 0).toFixed(3)} ns/op): the optimizer may have removed the work; pass its results to sink()`);
      }
    }
  }
  for (const [name, message] of run.failed) {
    out.failures.push({ file: pkg, name, message });
    lines.push(`--- FAIL: ${withProcs(name, s.procs)}`, ...message.split('\n').map((l) => `    ${l}`));
  }
  for (const f of out.failures) if (f.name === undefined) lines.push(...f.message.split('\n').map((l) => `# ${l}`));
  const ok = out.failures.length === 0;
  lines.push(ok ? 'PASS' : 'FAIL', `${ok ? 'ok  ' : 'FAIL'}\t${pkg}\t${seconds}s`);
  return { ...out, block: lines.join('\n') };
}

/**
 * Runs the benchmarks of `files` (files or directories), each benchmark in fresh processes of
 * its own: `count` processes, each timing it, then counting its bytes and allocations.
 * Resolves with Go-format text and the same data as records. Throws BenchError for
 * bad arguments (a missing file, an invalid --bench or --benchtime, a TypeScript file without
 * tsx installed); a file that fails to load
 * and a benchmark that throws are reported in `failures`, and the rest still run.
 */
export async function runBenchFiles(files: string[], opts: RunOptions = {}): Promise<RunResult> {
  const pattern = opts.bench ?? '.';
  new Matcher(pattern); // validates, naming the bad element
  const benchtimeText = opts.benchtime ?? '1s';
  const count = opts.count ?? 1;
  if (!Number.isSafeInteger(count) || count < 1) throw new BenchError(`--count ${String(count)}: must be a positive integer`);
  const settings: Settings = {
    pattern, benchtime: parseBenchtime(benchtimeText), benchtimeText, count, procs: os.availableParallelism(),
    onOutput: opts.onOutput ?? ((chunk: string) => process.stderr.write(chunk)), onProgress: opts.onProgress,
  };
  const out: RunResult = { text: '', results: [], failures: [], warnings: [] };
  const blocks: string[] = [];
  const paths = findBenchFiles(files);
  for (const path of paths) loaderArgs(path); // a TypeScript file without tsx: say so before anything runs
  for (const path of paths) {
    const file = resolve(path);
    const pkg = relative(process.cwd(), file) || file;
    const started = process.hrtime.bigint();
    const run = await runPasses(file, pkg, settings);
    const { block, ...data } = report(pkg, run, settings, (Number(process.hrtime.bigint() - started) / 1e9).toFixed(3));
    blocks.push(block);
    out.results.push(...data.results);
    out.failures.push(...data.failures);
    out.warnings.push(...data.warnings);
  }
  out.text = `${blocks.join('\n')}\n`;
  return out;
}
