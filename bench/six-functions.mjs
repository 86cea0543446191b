// The six functions of issue 20, one operation each, shared by six.bench.mjs (syncpool-bench)
// and harness-compare.mjs (mitata and tinybench), so that every harness measures the same code.
const map = new Map(Array.from({ length: 100 }, (_, i) => [`key${i}`, i]));
const doc = { id: 42, name: 'syncpool', tags: ['pool', 'bench'], nested: { ok: true, n: 3.5 } };

export const SIX = {
  JSONStringify: () => JSON.stringify(doc),
  StringConcat20: () => {
    let s = '';
    for (let i = 0; i < 20; i++) s += 'ab';
    return s;
  },
  MapGet: () => map.get('key57'),
  Uint8Array1024: () => new Uint8Array(1024),
  Object2: () => ({ a: 1, b: 2 }),
  EmptyLoop: () => undefined,
};
