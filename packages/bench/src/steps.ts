// The passes are generators that yield wherever a benchmark function may have returned a
// Promise. drive() runs one synchronously for as long as nothing it yields is a promise, so a
// synchronous benchmark runs in one synchronous stretch of code (its parent's b.run returns at
// once, as Go's b.Run does, and no FinalizationRegistry callback can run in between), and an
// async one is awaited at exactly those points.

/** A pass's control flow: yields values that may be promises, returns T. */
export type Steps<T> = Generator<unknown, T, unknown>;

export function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (typeof x === 'object' || typeof x === 'function') && x !== null && typeof (x as { then?: unknown }).then === 'function';
}

/** Runs `steps` to its end: synchronously, or as a Promise from the first yielded promise on. */
export function drive<T>(steps: Steps<T>): T | Promise<T> {
  return resume(steps, () => steps.next());
}

function resume<T>(steps: Steps<T>, advance: () => IteratorResult<unknown, T>): T | Promise<T> {
  let step = advance();
  while (!step.done) {
    const value = step.value;
    if (isThenable(value)) {
      return Promise.resolve(value).then(
        (v) => resume(steps, () => steps.next(v)),
        (err: unknown) => resume(steps, () => steps.throw(err)),
      );
    }
    step = steps.next(value);
  }
  return step.value;
}
