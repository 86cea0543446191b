// The child process of one measurement pass over one benchmark file: imports the file (which
// registers its benchmarks), waits for its PassConfig from the parent, runs the pass, and sends
// the results to the parent over IPC. The parent starts it before it knows the pass, while
// the previous process counts memory (which takes no time readings), so that starting Node
// and importing the file are off the critical path; nothing is timed until the config comes.
// Usage (by the runner only): node [pass flags] child.js <file>
import { pathToFileURL } from 'node:url';
import { Pass, type PassConfig, type PassOutput } from './passes.js';
import { registered } from './registry.js';

/** What a pass process reports last, once. */
export type PassResult = { output: PassOutput } | { loadError: string };
/** Child → parent: `timed` once a measure pass has finished its timing stage, then its result. */
export type ChildMessage = PassResult | { timed: true };
/** Parent → child: the pass to run. */
export interface StartMessage { config: PassConfig }

async function main(): Promise<void> {
  const [file] = process.argv.slice(2);
  const send = process.send?.bind(process);
  if (file === undefined || send === undefined) {
    throw new Error('syncpool-bench child: started without a file or an IPC channel; use the syncpool-bench CLI');
  }
  // Listening before the import, so that a config sent during it is not lost. A `once`
  // listener: after it the channel no longer holds the event loop open, so an async benchmark
  // whose Promise never settles still ends the process (exit code 13) as before.
  const started = new Promise<PassConfig>((resolve) => process.once('message', (m) => resolve((m as StartMessage).config)));
  let loadError: string | undefined;
  try {
    await import(pathToFileURL(file).href);
  } catch (err) {
    loadError = err instanceof Error ? (err.stack ?? err.message) : String(err);
  }
  const config = await started;
  const message: PassResult = loadError !== undefined
    ? { loadError }
    : { output: await new Pass(config, () => send({ timed: true } satisfies ChildMessage)).runAll(registered()) };
  send(message, () => process.disconnect());
}

await main();
