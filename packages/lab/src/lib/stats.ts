/** Small statistics used by the verdicts and the tables. Inputs are never sorted in place. */

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values: measure at least once');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** Rounds for display: 3 significant digits, integers as they are. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0 || Number.isInteger(value)) return value;
  return Number(value.toPrecision(digits));
}

/** The median of repeated measurements and their range: what every table and chart shows. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** How many measurements. */
  n: number;
}

export function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

/** "148 (121–160)": the median and, in brackets, the range; one measurement shows alone. */
export function showSpread(s: Spread, digits = 3): string {
  if (s.n === 1 || s.min === s.max) return `${round(s.median, digits)}${s.n === 1 ? '' : ` (all ${s.n})`}`;
  return `${round(s.median, digits)} (${round(s.min, digits)}–${round(s.max, digits)})`;
}

/** "median (min–max) of 3 rounds", or "one round": what a spread in a table or sentence is over. */
export function over(n: number, unit: string, units = `${unit}s`): string {
  return n === 1 ? `one ${unit}` : `median (min–max) of ${n} ${units}`;
}

/** Chart fields of a spread: the median as `field`, the range as `field_lo` and `field_hi`. */
export function spreadFields(field: string, s: Spread): Record<string, number> {
  return { [field]: round(s.median, 4), [`${field}_lo`]: round(s.min, 4), [`${field}_hi`]: round(s.max, 4) };
}

/** mulberry32: a seeded PRNG, so every mode and every run sees the same workload. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
