// Go's benchmark line format (src/testing/benchmark.go, Go 1.19), character for character:
//   fmt.Fprintf("%-*s\t", maxLen, name); "%8d" N; "\t" prettyPrint(ns, "ns/op");
//   "\t%7.2f MB/s"; "\t" prettyPrint(v, unit) for extra metrics sorted by unit;
//   "\t%8d B/op\t%8d allocs/op" with the per-op values truncated to integers.

/**
 * Go's %.{digits}f: the exact decimal value of the double, rounded half to even on exact
 * ties (Go's strconv), where JavaScript's toFixed rounds exact ties away from zero.
 */
export function goFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  // toFixed switches to exponent notation from 1e21; such doubles are integers.
  if (Math.abs(x) >= 1e21) return `${BigInt(x).toString()}${digits > 0 ? `.${'0'.repeat(digits)}` : ''}`;
  const exact = Math.abs(x).toFixed(100);
  const point = exact.indexOf('.');
  const kept = exact.slice(0, point + 1 + digits).replace(/\.$/, '');
  const dropped = exact.slice(point + 1 + digits);
  const tie = /^50*$/.test(dropped);
  let s: string;
  if (!tie) s = Math.abs(x).toFixed(digits);
  else {
    const lastDigit = Number(kept.at(-1));
    s = lastDigit % 2 === 0 ? kept : Math.abs(x).toFixed(digits);
  }
  return x < 0 || Object.is(x, -0) ? `-${s}` : s;
}

function pad(s: string, width: number): string {
  return s.padStart(width, ' ');
}

/** Go's prettyPrint: ten places before the point, four significant figures for small values. */
export function prettyPrint(x: number, unit: string): string {
  const y = Math.abs(x);
  let width: number;
  let digits: number;
  if (y === 0 || y >= 999.95) [width, digits] = [10, 0];
  else if (y >= 99.995) [width, digits] = [12, 1];
  else if (y >= 9.9995) [width, digits] = [13, 2];
  else if (y >= 0.99995) [width, digits] = [14, 3];
  else if (y >= 0.099995) [width, digits] = [15, 4];
  else if (y >= 0.0099995) [width, digits] = [16, 5];
  else if (y >= 0.00099995) [width, digits] = [17, 6];
  else [width, digits] = [18, 7];
  return `${pad(goFixed(x, digits), width)} ${unit}`;
}

export interface LineValues {
  n: number;
  nsPerOp: number;
  mbPerSec: number;
  /** Extra metrics (reportMetric and the harness's own), printed sorted by unit. */
  extra: Array<[string, number]>;
  /**
   * Go's MemString, where the runtime lets it be measured: absent, the line ends as Go's
   * without -benchmem; allocsPerOp absent (Deno), B/op alone ends it.
   */
  memory?: { bytesPerOp: number; allocsPerOp?: number };
}

/** The part of a result line after the padded name, as BenchmarkResult.String() + MemString(). */
export function resultFields(v: LineValues): string {
  let s = pad(String(v.n), 8);
  if (v.nsPerOp !== 0) s += `\t${prettyPrint(v.nsPerOp, 'ns/op')}`;
  if (v.mbPerSec !== 0) s += `\t${pad(goFixed(v.mbPerSec, 2), 7)} MB/s`;
  const extra = [...v.extra].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [unit, value] of extra) s += `\t${prettyPrint(value, unit)}`;
  if (v.memory !== undefined) s += `\t${pad(String(Math.trunc(v.memory.bytesPerOp)), 8)} B/op`;
  if (v.memory?.allocsPerOp !== undefined) s += `\t${pad(String(Math.trunc(v.memory.allocsPerOp)), 8)} allocs/op`;
  return s;
}

/** Go's benchmarkName: the -P suffix unless P is 1. */
export function withProcs(name: string, procs: number): string {
  return procs === 1 ? name : `${name}-${procs}`;
}

export function resultLine(fullName: string, maxLen: number, v: LineValues): string {
  return `${fullName.padEnd(maxLen, ' ')}\t${resultFields(v)}`;
}
