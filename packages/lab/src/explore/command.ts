/**
 * `syncpool-lab explore [--out DIR] [--serve] [--port N]`: records the five scenarios and writes
 * them on one page (DIR/index.html); --serve serves that page on 127.0.0.1 with the
 * cross-origin isolation headers that give the page SharedArrayBuffer, for the live scenario.
 */
import { Command, InvalidArgumentError } from 'commander';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { explorerPage } from './page.js';
import { recordScenarios } from './record.js';

/** Parses `explore`'s own options (argv after the word explore) and runs it; with --serve, until the server closes. */
export async function exploreCommand(argv: readonly string[]): Promise<void> {
  const command = new Command('syncpool-lab explore')
    .description('Records the explorer\'s scenarios from real runs and writes them on one page.')
    .option('--out <dir>', 'output directory', 'explore-out')
    .option('--serve', 'also serve the page on 127.0.0.1, cross-origin isolated, with a live scenario form')
    .option('--port <n>', 'port for --serve (0: any free one)', parsePort, 8080)
    .showHelpAfterError();
  command.parse([...argv], { from: 'user' });
  await explore(command.opts<{ out: string; serve?: boolean; port: number }>());
}

/** Checked while parsing, so a bad --port stops before anything is recorded or written. */
function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError(`Give a port from 0 to 65535 (0: any free one), not "${value}"`);
  }
  return port;
}

async function explore(options: { out: string; serve?: boolean; port: number }): Promise<void> {
  const scenarios = await recordScenarios();
  const html = await explorerPage(scenarios, options.serve === true);
  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'index.html'), html);
  console.log(`Explorer: ${join(out, 'index.html')} (${scenarios.map((s) => s.name).join(', ')})`);
  if (options.serve !== true) return;
  const { port } = options;
  const server = createServer((req, res) => {
    // The page has no icon; 204 rather than 404 keeps the browser's console free of errors.
    if (req.url === '/favicon.ico') { res.writeHead(204).end(); return; }
    if (req.url !== '/' && req.url !== '/index.html') { res.writeHead(404).end('not found'); return; }
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    }).end(html);
  });
  // Resolves when the server closes: until then the caller keeps serving.
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.once('close', done);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      console.log(`Serving on http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : port}/ (Ctrl-C stops)`);
    });
  });
}
