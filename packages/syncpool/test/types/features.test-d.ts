// The types of waiting, leases, BlockId and Pool's release options as a TypeScript consumer sees
// them (from the built .d.ts). Checked by `tsc -p packages/syncpool/test/types`: an expected
// error (ts-expect-error) that compiles, or an expectType that does not, fails the typecheck.
import { Lease, MutexPool, Pool, SharedPool, type BlockId, type PoolStats } from 'syncpool';

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
function expectType<A>(_value: A): <B>(check: Equal<A, B> extends true ? true : never) => void {
  return () => {};
}

const shared = SharedPool.create({ blockSize: 64, blocks: 8, maxLocals: 2 });
const id = shared.get();
expectType(id)<BlockId>(true);
expectType(shared.getWait())<BlockId>(true);
expectType(shared.getWait(10))<BlockId>(true);
expectType(shared.getAsync(10))<Promise<BlockId>>(true);
expectType(shared.lease())<Lease<BlockId> | undefined>(true);
expectType(shared.leaseAsync())<Promise<Lease<BlockId> | undefined>>(true);
shared.put(id);
shared.bytes(id);
// @ts-expect-error a plain number is not a block id: cast one that crossed postMessage (`n as BlockId`)
shared.put(3);
// @ts-expect-error nor for bytes
shared.bytes(3);
shared.put(3 as BlockId);
const n: number = id; // a BlockId is a number
void n;
// @ts-expect-error the timeout is a number
shared.getWait('10');
const mutex = MutexPool.attach(shared.buffer);
expectType(mutex.getWait(0))<BlockId>(true);

{
  using block = shared.lease();
  if (block !== undefined) expectType(block.value)<BlockId>(true);
}

const made = new Pool({ new: () => ({ n: 1 }), release: (x) => void x.n, maxIdle: 8, idleTimeoutMs: 1000 });
{
  using lease = made.lease();
  expectType(lease.value)<{ n: number }>(true);
  expectType(lease.released)<boolean>(true);
}
const maybe = new Pool<string>();
expectType(maybe.lease().value)<string | undefined>(true);
expectType(made.stats().refused)<PoolStats['refused']>(true);
// @ts-expect-error release takes the pool's item type
new Pool<{ n: number }>({ new: () => ({ n: 1 }), release: (x: string) => void x });
// @ts-expect-error maxIdle is a number
new Pool({ maxIdle: '8' });
