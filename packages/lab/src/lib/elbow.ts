/**
 * The elbow of a falling curve, by the maximum-distance-to-chord method (the "Kneedle" knee of
 * Satopää et al., 2011, for a decreasing convex curve): scale x and y to [0, 1], draw the chord
 * from the first point to the last, and take the point farthest below it. The distance is
 * returned with it, so the caller can say whether the bend is sharp enough to call an elbow.
 */
export interface Elbow {
  index: number;
  x: number;
  y: number;
  /** Vertical distance below the chord in the scaled [0, 1] square; 0 for a straight line. */
  distance: number;
}

export function findElbow(xs: readonly number[], ys: readonly number[]): Elbow {
  if (xs.length !== ys.length || xs.length < 3) {
    throw new RangeError(`findElbow needs at least 3 (x, y) points of equal count, got ${xs.length} x and ${ys.length} y`);
  }
  const x0 = xs[0]!;
  const xSpan = xs[xs.length - 1]! - x0;
  const yMin = Math.min(...ys);
  const ySpan = Math.max(...ys) - yMin;
  if (xSpan <= 0) throw new RangeError('findElbow needs strictly increasing x values');
  const yFirst = ys[0]!;
  const yLast = ys[ys.length - 1]!;
  let best: Elbow = { index: 0, x: x0, y: yFirst, distance: 0 };
  if (ySpan === 0) return best; // a flat curve has no elbow: distance 0 says so
  for (let i = 0; i < xs.length; i++) {
    const t = (xs[i]! - x0) / xSpan;
    const chord = (yFirst + (yLast - yFirst) * t - yMin) / ySpan;
    const distance = chord - (ys[i]! - yMin) / ySpan;
    if (distance > best.distance) best = { index: i, x: xs[i]!, y: ys[i]!, distance };
  }
  return best;
}
