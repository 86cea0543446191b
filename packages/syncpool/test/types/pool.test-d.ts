// The public types of Pool and BytesPool as a TypeScript consumer sees them (from the built
// .d.ts). Checked by `tsc -p packages/syncpool/test/types`: a line marked @ts-expect-error that
// compiles, or an expectType that does not, fails the typecheck.
import { BytesPool, Pool, bytesPool, type NodeBuffer, type PoolEvent, type PoolStats } from 'syncpool';

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
function expectType<A>(_value: A): <B>(check: Equal<A, B> extends true ? true : never) => void {
  return () => {};
}

interface Ctx {
  id: number;
}

// With `new`, get() returns T; without it, T | undefined.
const made = new Pool<Ctx>({ new: () => ({ id: 1 }) });
expectType(made.get())<Ctx>(true);
const bare = new Pool<Ctx>();
expectType(bare.get())<Ctx | undefined>(true);

// Pool<Ctx> as a field type is a pool whose get() returns Ctx.
class Server {
  readonly contexts: Pool<Ctx> = new Pool({ new: (): Ctx => ({ id: 0 }) });
  handle(): number {
    const ctx = this.contexts.get();
    expectType(ctx)<Ctx>(true);
    this.contexts.put(ctx);
    return ctx.id;
  }
}
new Server().handle();
// A pool without `new` does not pass for one whose get() always returns an item...
// @ts-expect-error get() of a pool without new may return undefined
const wrong: Pool<Ctx> = new Pool<Ctx>();
// ...and is written Pool<T, T | undefined>.
const optional: Pool<Ctx, Ctx | undefined> = new Pool<Ctx>();
// Either kind is usable where only put is needed.
function release(pool: Pool<Ctx, Ctx | undefined>, ctx: Ctx): void {
  pool.put(ctx);
}
release(made, { id: 2 });
release(optional, { id: 3 });
void wrong;

made.put(null);
made.put(undefined);
// @ts-expect-error put takes the pool's item type
made.put('a string');
expectType(made.stats())<PoolStats>(true);

made.observe((event: PoolEvent<Ctx>) => {
  if (event.kind === 'get') expectType(event.item)<Ctx | undefined>(true);
});
made.observe(undefined);

// getBuffer() is Node's Buffer: write and toString compile without a cast.
const buf = bytesPool.getBuffer(1024);
expectType(buf)<NodeBuffer>(true);
const asBuffer: Buffer = buf;
buf.write('x');
buf.toString('utf8');
bytesPool.put(buf);
void asBuffer;

const bytes = new BytesPool({ minSize: 64, zero: 'on-put' }).get(100);
expectType(bytes)<Uint8Array<ArrayBuffer>>(true);
// @ts-expect-error a Uint8Array has no Buffer methods
bytes.write('x');
// @ts-expect-error zero takes 'on-get', 'on-put' or false
new BytesPool({ zero: 'always' });
