import { BenchError } from './errors.js';

/** -benchtime: a duration (run until it has passed) or a count of iterations ("200x"). */
export type Benchtime = { ns: number } | { n: number };

const UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration, in nanoseconds; undefined when `text` is not a duration. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const m = /^\+?((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/u.exec(text);
  if (m === null) return undefined;
  let ns = 0;
  for (const part of (m[1] ?? '').matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gu)) {
    ns += Number(part[1]) * (UNITS[part[2] ?? ''] ?? NaN);
  }
  return Math.round(ns);
}

/** Parses --benchtime as Go does: "1s", "1.5s", "300ms", "2m" or "200x"; zero is invalid. */
export function parseBenchtime(text: string): Benchtime {
  if (text.endsWith('x')) {
    const n = Number(text.slice(0, -1));
    if (/^\d+x$/.test(text) && Number.isSafeInteger(n) && n > 0) return { n };
    throw new BenchError(`--benchtime ${JSON.stringify(text)}: invalid count; use a positive whole number followed by x, like 200x`);
  }
  const ns = parseDuration(text);
  if (ns === undefined || ns <= 0) {
    throw new BenchError(`--benchtime ${JSON.stringify(text)}: invalid duration; use a positive duration like 1s, 500ms, 1.5s or 2m, ` +
      'or an iteration count like 200x');
  }
  return { ns };
}

/**
 * Go's prediction of the next b.N (testing.B.launch, Go 1.19): aim 20 % past the goal from the
 * last run's rate, at most 100× the last N, at least one more, at most 1e9. Multiply before
 * dividing: for fast benchmarks prevN ≈ prevNs and dividing first would lose a factor of ten.
 */
export function predictN(goalNs: number, prevN: number, prevNs: number, last: number): number {
  const ns = Math.max(prevNs, 1);
  let n = Math.floor((goalNs * prevN) / ns);
  n += Math.floor(n / 5);
  n = Math.min(n, 100 * last);
  n = Math.max(n, last + 1);
  return Math.min(n, 1e9);
}
