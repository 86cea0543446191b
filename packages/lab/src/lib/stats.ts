/** Small statistics used by the verdicts. Inputs are never sorted in place. */

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
