// Prints whether a Pool made with no options is in debug mode, i.e. whether the library read
// SYNCPOOL_DEBUG=1 from the environment. Debug mode makes a second put of the same object throw;
// it also drops one put in four at random, so a kept first put is waited for (64 tries).
import { Pool, PoolError } from 'syncpool';

const pool = new Pool();
const x = {};
let debug = false;
for (let i = 0; i < 64 && !debug; i++) {
  try {
    pool.put(x);
    pool.put(x);
  } catch (error) {
    if (!(error instanceof PoolError)) throw error;
    debug = true;
  }
  while (pool.get() !== undefined);
}
console.log(JSON.stringify({ debug }));
