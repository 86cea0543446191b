/**
 * Exercise 5's subject for Pool: a hot loop of get/put pairs that TurboFan optimizes; run by
 * optimizedCode under --print-opt-code. The stack and `new` paths run too, so that their code
 * is compiled in rather than replaced by deoptimization exits.
 */
import { Pool } from 'syncpool';
import { optimizeMethods } from './optimize.js';

const pool = new Pool<{ n: number }>({ new: () => ({ n: 0 }) });
const holder = { last: { n: 0 } };
function loop(iterations: number): void {
  for (let i = 0; i < iterations; i++) {
    const a = pool.get();
    if (i % 8 === 0) {
      const b = pool.get(); // the private slot is empty now: the stack, or `new`
      b.n++;
      pool.put(b);
    }
    a.n++;
    holder.last = a;
    pool.put(a);
  }
}

loop(300_000);
optimizeMethods([Pool.prototype], () => loop(1_000));
