// Runs scenario.mjs in Node, Deno or Bun and prints its results as one line of JSON.
import { run } from './scenario.mjs';

const workerUrl = new URL('./scenario-worker.mjs', import.meta.url);
console.log(JSON.stringify(await run(workerUrl, denoWithoutRead([workerUrl, import.meta.resolve('syncpool')]))));

// Deno loads a worker's modules only with read permission; without it the scenario runs all
// but the workers, and says why.
function denoWithoutRead(modules) {
  const deno = globalThis.Deno;
  if (deno === undefined) return undefined;
  const denied = modules.some((url) => deno.permissions.querySync({ name: 'read', path: new URL(url) }).state !== 'granted');
  return denied ? 'Deno starts a worker only with read permission for its modules (deno run --allow-read)' : undefined;
}
