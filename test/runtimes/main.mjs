// Runs scenario.mjs in Node, Deno or Bun and prints its results as one line of JSON.
import { run } from './scenario.mjs';

console.log(JSON.stringify(await run(new URL('./scenario-worker.mjs', import.meta.url))));
