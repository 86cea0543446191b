// main.mjs for a runtime that may read no file at run time (Deno with no permission flags):
// Deno loads a worker's modules from disk only with read permission, so the worker is started
// from a Blob of its bundled code, the way an application shipped without --allow-read does it.
// worker-source.mjs is written by the test (esbuild bundles scenario-worker.mjs into one string).
import { run } from './scenario.mjs';
import workerSource from './.generated/worker-source.mjs';

const workerUrl = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
console.log(JSON.stringify(await run(workerUrl)));
