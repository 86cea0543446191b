// A store into an object property is observable from outside the loop, so TurboFan can neither
// drop it nor the allocation that produced the stored value (escape analysis sees it escape).
// A module-level `let` holding the value itself is not enough: V8 may prove the binding is
// never read and remove the store.
//
// The holder is replaced by a fresh one after the harness's GC before every measured run, so
// that it is in V8's young generation while the loop runs. Storing a young object into an old
// one takes the generational write barrier's slow path (the slot goes into a remembered set,
// several ns), storing anything into a young object never does. With a holder that survived
// the GCs, sink(x) cost more when x was made after the GC than when it predates it: a pool
// that made its item inside the timed run paid, one whose item an earlier run had made did
// not, which ranked pools by the age of their items rather than by their code.
let holder: { value: unknown } = { value: undefined };

/** Keeps `value` observable so the optimizer cannot remove the work that produced it. Returns it. */
export function sink<T>(value: T): T {
  holder.value = value;
  return value;
}

// Benchmark files may load another copy of this module than the harness (see registry.ts):
// each copy lists its renewal where every copy finds it.
const KEY = Symbol.for('syncpool-bench.sinks');
const renewals = ((globalThis as { [KEY]?: Array<() => void> })[KEY] ??= []);
renewals.push(() => {
  holder = { value: undefined };
});

/** Gives every loaded copy of sink() a fresh, young holder. */
export function renewSinks(): void {
  for (const renew of renewals) renew();
}
