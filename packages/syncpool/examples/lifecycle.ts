// The life of pooled items, with real garbage collections: hits while items are in use, a GC
// cycle moving them to the victim cache, a second one releasing them. Run: npm run example
import { Pool, gcCycle, setCleanupMode } from 'syncpool';

// Only this example's own gcCycle() calls run cleanups, so the output is the same every run.
setCleanupMode('manual');

let allocated = 0;
const buffers = new Pool({
  name: 'buffers',
  new: () => {
    allocated++;
    return new Uint8Array(1024);
  },
  reset: (buf) => buf.fill(0),
});

function show(step: string): void {
  const s = buffers.stats();
  console.log(
    `${step.padEnd(44)} allocated=${allocated}  primary=${s.primarySize}  victim=${s.victimSize}` +
      `  hits=${s.privateHits + s.stackHits + s.victimHits}  news=${s.news}  dropped=${s.dropped}`,
  );
}

// A request handler that needs up to 3 buffers at a time.
function handleRequest(): void {
  const held = [buffers.get(), buffers.get(), buffers.get()];
  for (const buf of held) buf[0] = 1;
  for (const buf of held) buffers.put(buf);
}

handleRequest();
show('first request: 3 buffers allocated');
for (let i = 0; i < 1000; i++) handleRequest();
show('1000 more requests: all served from the pool');

await gcCycle();
show('GC cycle 1: primary cache -> victim');
handleRequest();
show('a request: served from the victim');
await gcCycle();
show('GC cycle 2: idle again -> victim');
await gcCycle();
show('GC cycle 3: idle for two cycles -> released');
handleRequest();
show('next request: allocates again');

const s = buffers.stats();
console.log(`\n${s.gets} gets, ${s.news} allocations: ${((1 - s.news / s.gets) * 100).toFixed(2)}% served from the pool.`);
