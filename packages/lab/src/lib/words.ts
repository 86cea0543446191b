/**
 * Quantitative words derived from the numbers they describe, so that an explanation says
 * "rises" only when the run's numbers rise, and the opposite when they do not.
 */

export type Trend = 'rises' | 'falls' | 'stays flat' | 'goes up and down';

/**
 * The shape of a series: flat when its range is within `flat` of its smallest value; rising
 * (falling) when no step goes down (up) by more than `noise` and the end is at least `flat`
 * above (below) the start; otherwise up and down.
 */
export function trend(values: readonly number[], { flat = 0.25, noise = 0.1 } = {}): Trend {
  if (values.length < 2) throw new RangeError(`trend needs at least 2 values, got ${values.length}`);
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (max - min <= flat * Math.abs(min)) return 'stays flat';
  const first = values[0]!;
  const last = values.at(-1)!;
  const steps = values.slice(1).map((v, i) => v / values[i]!);
  if (last >= first * (1 + flat) && steps.every((s) => s >= 1 - noise)) return 'rises';
  if (last <= first / (1 + flat) && steps.every((s) => s <= 1 + noise)) return 'falls';
  return 'goes up and down';
}

/** "1 time", "3 times". */
export const count = (n: number, unit: string, units = `${unit}s`) => `${n} ${n === 1 ? unit : units}`;

/** How a time compares with another: faster, slower, or within `tolerance` of it. */
export function speedWord(ns: number, otherNs: number, tolerance = 0.05): 'faster than' | 'slower than' | 'as fast as' {
  if (ns < otherNs * (1 - tolerance)) return 'faster than';
  if (ns > otherNs * (1 + tolerance)) return 'slower than';
  return 'as fast as';
}
