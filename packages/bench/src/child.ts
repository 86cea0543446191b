// The child process of one measurement pass over one benchmark file: imports the file (which
// registers its benchmarks), runs the pass, and sends the results to the parent over IPC.
// Usage (by the runner only): node [pass flags] child.js <file> <PassConfig as JSON>
import { pathToFileURL } from 'node:url';
import { Pass, type PassConfig, type PassOutput } from './passes.js';
import { registered } from './registry.js';

export type ChildMessage = { output: PassOutput } | { loadError: string };

async function main(): Promise<void> {
  const [file, configJson] = process.argv.slice(2);
  if (file === undefined || configJson === undefined || process.send === undefined) {
    throw new Error('syncpool-bench child: started without a file, a pass configuration or an IPC channel; use the syncpool-bench CLI');
  }
  const config = JSON.parse(configJson) as PassConfig;
  let message: ChildMessage;
  try {
    await import(pathToFileURL(file).href);
  } catch (err) {
    message = { loadError: err instanceof Error ? (err.stack ?? err.message) : String(err) };
    process.send(message, () => process.disconnect());
    return;
  }
  message = { output: await new Pass(config).runAll(registered()) };
  process.send(message, () => process.disconnect());
}

await main();
