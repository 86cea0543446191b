// Debug mode drops 1 put in 4 at random (Go's race mode), and a dropped put still counts as a
// put, so a test that needs an item pooled runs that one put with the random drop switched off.
export function withoutRandomDrops(put: () => void): void {
  const random = Math.random;
  Math.random = () => 0.99;
  try {
    put();
  } finally {
    Math.random = random;
  }
}
