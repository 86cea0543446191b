// The statistics benchstat reports (golang.org/x/perf/benchmath): the median, a distribution-
// free confidence interval for it from order statistics, and the Mann-Whitney U test.

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

/**
 * Confidence interval for the median: [x(k), x(n+1−k)] for the largest k whose coverage
 * 1 − 2·P(Binomial(n, ½) < k) reaches `confidence`. With too few samples (n < 6 at 95 %) no
 * k does, and the interval is unbounded, as benchstat reports it.
 */
export function medianInterval(xs: readonly number[], confidence = 0.95): [number, number] {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  let below = 0; // P(Binomial(n, ½) < k)
  let best = 0;
  for (let k = 1; k <= n >> 1; k++) {
    below += binomial(n, k - 1) / 2 ** n;
    if (1 - 2 * below >= confidence) best = k;
    else break;
  }
  if (best === 0) return [-Infinity, Infinity];
  return [s[best - 1] as number, s[n - best] as number];
}

/** Ways to arrange m values of one sample among n of the other with U = u, for every u. */
function uDistribution(m: number, n: number): Float64Array {
  // f[i][j][u] = f[i−1][j][u−j] + f[i][j−1][u]: the largest value comes from one sample or the other.
  let prev: Float64Array[] = [];
  for (let i = 0; i <= m; i++) {
    const row: Float64Array[] = [];
    for (let j = 0; j <= n; j++) {
      const f = new Float64Array(i * j + 1);
      if (i === 0 || j === 0) f[0] = 1;
      else {
        const left = prev[j] as Float64Array;
        const up = row[j - 1] as Float64Array;
        for (let u = 0; u < f.length; u++) f[u] = (u >= j ? (left[u - j] ?? 0) : 0) + (up[u] ?? 0);
      }
      row.push(f);
    }
    prev = row;
  }
  return prev[n] as Float64Array;
}

/**
 * Two-sided Mann-Whitney U test p-value. Exact (the permutation distribution of U) when the
 * samples have no ties and are small; otherwise the normal approximation with tie and
 * continuity corrections.
 */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): number {
  const m = a.length;
  const n = b.length;
  if (m === 0 || n === 0) return 1;
  const all = [...a.map((v) => ({ v, first: true })), ...b.map((v) => ({ v, first: false }))].sort((x, y) => x.v - y.v);
  const ranks = new Array<number>(all.length);
  let tieTerm = 0;
  let ties = false;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]?.v === all[i]?.v) j++;
    const t = j - i + 1;
    if (t > 1) ties = true;
    tieTerm += t ** 3 - t;
    for (let k = i; k <= j; k++) ranks[k] = (i + j) / 2 + 1;
    i = j + 1;
  }
  let rankSum = 0;
  all.forEach((x, i) => { if (x.first) rankSum += ranks[i] as number; });
  const u = rankSum - (m * (m + 1)) / 2;
  if (!ties && m * n <= 2500) {
    const dist = uDistribution(m, n);
    const total = dist.reduce((s, x) => s + x, 0);
    let lower = 0;
    let upper = 0;
    dist.forEach((count, k) => {
      if (k <= u) lower += count;
      if (k >= u) upper += count;
    });
    return Math.min(1, (2 * Math.min(lower, upper)) / total);
  }
  const N = m + n;
  const mean = (m * n) / 2;
  const variance = ((m * n) / 12) * (N + 1 - tieTerm / (N * (N - 1)));
  if (variance <= 0) return 1;
  const z = (Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
  return Math.min(1, 2 * (1 - normalCdf(Math.max(0, z))));
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - (((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t) * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
