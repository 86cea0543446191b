import type { BenchFunction } from './registry.js';
import { isThenable } from './steps.js';

/** What the B's timer drives in a pass: a stopwatch, a byte meter or an allocation counter. */
export interface Meter {
  start(): void;
  stop(): void;
  reset(): void;
}

/** Nanoseconds between start() and stop(), summed over segments. */
export class Stopwatch implements Meter {
  ns = 0;
  private began = 0n;
  private running = false;

  start(): void {
    if (this.running) return;
    this.running = true;
    this.began = process.hrtime.bigint();
  }

  stop(): void {
    if (!this.running) return;
    this.ns += Number(process.hrtime.bigint() - this.began);
    this.running = false;
  }

  reset(): void {
    this.ns = 0;
    if (this.running) this.began = process.hrtime.bigint();
  }
}

/**
 * Runs a sub-benchmark on behalf of B.run; supplied by the pass that runs the parent. Returns
 * whether it succeeded, as a Promise when the sub-benchmark is async.
 */
export type SubRunner = (parent: B, name: string, fn: BenchFunction) => boolean | Promise<boolean>;

/**
 * The benchmark's view of a run, shaped like Go's testing.B. N is a plain data property:
 * the loop condition `i < b.N` must cost no more than a field load.
 */
export class B {
  /** Iterations to run in this call: loop `for (let i = 0; i < b.N; i++)`. */
  N = 1;
  /** The full name, e.g. BenchmarkPool/sub. */
  readonly name: string;
  /** @internal bytes per op from setBytes (gives MB/s) */
  bytes = 0;
  /** @internal metrics from reportMetric, cleared by resetTimer as in Go */
  extra = new Map<string, number>();
  /** @internal set once run() was called: the benchmark is a parent and is not measured itself */
  hasSub = false;
  /** @internal how often the benchmark itself stopped a running timer */
  toggles = 0;
  /** @internal async sub-benchmarks still running: the parent's run ends when they do */
  pending: Promise<boolean>[] = [];
  private timerOn = false;

  /** @internal */
  constructor(name: string, private readonly meter: Meter, private readonly runSub: SubRunner) {
    this.name = name;
  }

  /** Starts timing (and memory accounting). Called automatically before the benchmark function. */
  startTimer(): void {
    if (this.timerOn) return;
    this.timerOn = true;
    this.meter.start();
  }

  /** Stops timing; use around setup work inside the loop, then startTimer(). */
  stopTimer(): void {
    if (!this.timerOn) return;
    this.meter.stop();
    this.timerOn = false;
    this.toggles++;
  }

  /** Forgets the time and memory measured so far, and the metrics reported, as Go's ResetTimer. */
  resetTimer(): void {
    this.meter.reset();
    this.extra.clear();
  }

  /** Adds a metric to the result line, e.g. b.reportMetric(p95, 'p95-ns'). Units contain no spaces. */
  reportMetric(value: number, unit: string): void {
    if (typeof value !== 'number') throw new TypeError(`${this.name}: reportMetric value must be a number, got ${typeof value}`);
    if (typeof unit !== 'string' || unit === '' || /\s/.test(unit)) {
      throw new TypeError(`${this.name}: reportMetric unit must be a non-empty string without spaces, got ${JSON.stringify(unit)}`);
    }
    this.extra.set(unit, value);
  }

  /** Records the bytes processed per operation; the result then shows MB/s. */
  setBytes(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${this.name}: setBytes needs a non-negative integer, got ${String(n)}`);
    this.bytes = n;
  }

  /**
   * Runs fn as the sub-benchmark `${name}/${sub}` and reports whether it succeeded. A benchmark
   * that calls run() is not measured itself; it is called once with N = 1, as in Go. A
   * synchronous fn has run when run() returns, as in Go; for an async fn run() returns a
   * Promise, and the parent's run ends when it settles whether or not the parent awaits it.
   */
  run(sub: string, fn: (b: B) => Promise<void>): Promise<boolean>;
  run(sub: string, fn: (b: B) => void): boolean;
  run(sub: string, fn: BenchFunction): boolean | Promise<boolean> {
    if (typeof sub !== 'string') throw new TypeError(`${this.name}: run(name, fn) needs a string name`);
    if (typeof fn !== 'function') throw new TypeError(`${this.name}: run('${sub}', fn) needs a function (b) => void`);
    this.hasSub = true;
    const ran = this.runSub(this, sub, fn);
    if (isThenable(ran)) this.pending.push(ran);
    return ran;
  }

  /**
   * Parameterised sub-benchmarks: fn once per value, as the sub-benchmark `${param}=${value}`
   * (Go's convention, e.g. BenchmarkSize/n=1024), with the value as its second argument.
   * Returns whether all succeeded; a Promise when any fn is async. Use range() for powers.
   */
  runEach<T extends number | string>(param: string, values: Iterable<T>, fn: (b: B, value: T) => void | Promise<void>): boolean | Promise<boolean> {
    if (typeof param !== 'string' || param === '' || /[\s=/]/.test(param)) {
      throw new TypeError(`${this.name}: runEach(param, values, fn) needs a parameter name without spaces, '=' or '/', got ${JSON.stringify(param)}`);
    }
    if (values === null || typeof (values as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
      throw new TypeError(`${this.name}: runEach('${param}', values, fn) needs an iterable of numbers or strings, such as range(8, 1024)`);
    }
    if (typeof fn !== 'function') throw new TypeError(`${this.name}: runEach('${param}', values, fn) needs a function (b, value) => void`);
    const ran = [...values].map((value) => this.run(`${param}=${value}`, (b: B) => fn(b, value)) as boolean | Promise<boolean>);
    return ran.some(isThenable) ? Promise.all(ran).then((oks) => oks.every(Boolean)) : ran.every(Boolean);
  }

  /**
   * @internal one call of the benchmark function with N = n, timed as Go's runN; when fn
   * returns a Promise, the timer stops when it settles, and runN returns a Promise too. `call`
   * makes the call (the allocs pass wraps it in its region frame).
   */
  runN(fn: BenchFunction, n: number, call: (fn: BenchFunction, b: B) => unknown = (f, b) => f(b)): void | Promise<void> {
    this.N = n;
    this.resetTimer();
    this.timerOn = true;
    this.meter.start();
    let result: unknown;
    try {
      result = call(fn, this);
    } catch (err) {
      this.endRun();
      throw err;
    }
    if (!isThenable(result)) return this.endRun();
    return Promise.resolve(result).then(() => this.endRun(), (err: unknown) => {
      this.endRun();
      throw err;
    });
  }

  private endRun(): void {
    if (this.timerOn) this.meter.stop();
    this.timerOn = false;
  }
}

/**
 * from, from·multiplier, from·multiplier², … up to and including `to` when it falls on the
 * sequence (as mitata's range): range(8, 1024) is 8, 16, 32, …, 1024.
 */
export function range(from: number, to: number, multiplier = 2): number[] {
  if (!Number.isSafeInteger(from) || from < 1 || !Number.isSafeInteger(to) || to < from) {
    throw new RangeError(`range(from, to): needs integers 1 <= from <= to, got ${String(from)}, ${String(to)}`);
  }
  if (!Number.isSafeInteger(multiplier) || multiplier < 2) throw new RangeError(`range: multiplier must be an integer >= 2, got ${String(multiplier)}`);
  const out: number[] = [];
  for (let x = from; x <= to; x *= multiplier) out.push(x);
  return out;
}
