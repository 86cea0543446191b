// A store into an object property is observable from outside the loop, so TurboFan can neither
// drop it nor the allocation that produced the stored value (escape analysis sees it escape).
// A module-level `let` is not enough: V8 may prove the binding is never read and remove the store.
const holder: { value: unknown } = { value: undefined };

/** Keeps `value` observable so the optimizer cannot remove the work that produced it. Returns it. */
export function sink<T>(value: T): T {
  holder.value = value;
  return value;
}
