// Go's benchmark text format, read under the rules of golang.org/x/perf/benchfmt (the format
// proposal, golang/proposal design/14313-benchmark-format.md):
//   configuration line: "key: value", the key starting with a lower-case letter and holding
//     no white space and no upper-case letter; it applies to every later result; an empty
//     value removes the key;
//   result line: white-space separated fields, an even number and at least four: a name
//     "Benchmark" followed by an upper-case letter or nothing, a decimal iteration count, then
//     value/unit pairs;
//   anything else is ignored (a line that starts like a result but breaks these rules is a
//     syntax error, reported and skipped).

export interface BenchValue { value: number; unit: string }

export interface BenchResult {
  /** The name without the -P suffix, e.g. BenchmarkPool/sub. */
  name: string;
  /** The -P suffix (GOMAXPROCS in Go); 1 when absent. */
  procs: number;
  iterations: number;
  values: BenchValue[];
  /** The configuration lines in effect for this result. */
  config: Record<string, string>;
}

export interface BenchSyntaxError { line: number; text: string; message: string }

/** The full name as printed: name plus -P unless P is 1. */
export function fullName(r: Pick<BenchResult, 'name' | 'procs'>): string {
  return r.procs === 1 ? r.name : `${r.name}-${r.procs}`;
}

/** The value of `unit` in r, or undefined. */
export function valueOf(r: BenchResult, unit: string): number | undefined {
  return r.values.find((v) => v.unit === unit)?.value;
}

const CONFIG = /^(\p{Ll}[^\s\p{Lu}:]*):(?:[ \t]+(.*)|)$/u;

function parseFloatGo(text: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(text)) return NaN;
  if (!/^[+-]?(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)([eE][+-]?\d+)?$/.test(text)) return undefined;
  return Number(text.replaceAll('_', ''));
}

function parseResult(fields: string[], config: Record<string, string>): BenchResult | string {
  if (fields.length < 4 || fields.length % 2 !== 0) return `want an even number of fields, at least 4; got ${fields.length}`;
  const [full = '', iterText = ''] = fields;
  if (!/^\d+$/.test(iterText)) return `iteration count ${JSON.stringify(iterText)} is not a decimal integer`;
  const values: BenchValue[] = [];
  for (let i = 2; i < fields.length; i += 2) {
    const value = parseFloatGo(fields[i] ?? '');
    if (value === undefined) return `value ${JSON.stringify(fields[i])} is not a number`;
    values.push({ value, unit: fields[i + 1] ?? '' });
  }
  const procs = /-(\d+)$/.exec(full);
  return {
    name: procs === null ? full : full.slice(0, -procs[0].length),
    procs: procs === null ? 1 : Number(procs[1]),
    iterations: Number(iterText),
    values,
    config: { ...config },
  };
}

/** Results and syntax errors of Go benchmark text. */
export function parseGoBenchReport(text: string): { results: BenchResult[]; errors: BenchSyntaxError[] } {
  const results: BenchResult[] = [];
  const errors: BenchSyntaxError[] = [];
  const config: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, index) => {
    const kv = CONFIG.exec(line);
    if (kv !== null) {
      const value = (kv[2] ?? '').trim();
      if (value === '') delete config[kv[1] ?? ''];
      else config[kv[1] ?? ''] = value;
      return;
    }
    const fields = line.split(/\s+/u).filter((f) => f !== '');
    if (!/^Benchmark(\p{Lu}|$)/u.test(fields[0] ?? '')) return;
    const parsed = parseResult(fields, config);
    if (typeof parsed === 'string') errors.push({ line: index + 1, text: line, message: parsed });
    else results.push(parsed);
  });
  return { results, errors };
}

/** Go benchmark text (go test -bench output, or syncpool-bench's) → one record per result line. */
export function parseGoBench(text: string): BenchResult[] {
  return parseGoBenchReport(text).results;
}
