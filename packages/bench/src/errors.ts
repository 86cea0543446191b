/** A benchmark file, benchmark or argument the harness cannot work with; the message says why and what to do. */
export class BenchError extends Error {
  override name = 'BenchError';
}
