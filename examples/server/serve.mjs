#!/usr/bin/env node
// @ts-check
// Starts the example server on 127.0.0.1:
//
//   node examples/server/serve.mjs --protocol http|frame --payload 4096 --alloc pool|allocUnsafe|alloc|uint8array
//                                  [--procs 2] [--release callback|early] [--port 0]
//
// --procs N > 1 runs N node:cluster workers. On Linux the cluster primary accepts connections
// and deals them out round-robin (cluster.SCHED_RR): Node 20 has no SO_REUSEPORT option for
// net servers, and worker_threads cannot share a listening socket, so this is how a Node
// service uses several cores. Connections, not requests, are dealt out: a load generator with
// C connections gives each worker about C/N of them.
//
// Started with an IPC channel (child_process.fork, as bench.mjs does) it reports
// { type: 'listening', port } and answers { type: 'reset' } (start the measured window) and
// { type: 'snapshot' } (every serving process's metrics.mjs figures). SYNCPOOL_DEBUG=1 turns on
// the pool's debug checks.
import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import { startMetrics } from './metrics.mjs';
import { frameServer, httpServer } from './servers.mjs';

const { values: args } = parseArgs({
  options: {
    protocol: { type: 'string', default: 'http' },
    payload: { type: 'string', default: '4096' },
    alloc: { type: 'string', default: 'pool' },
    release: { type: 'string', default: 'callback' },
    procs: { type: 'string', default: '1' },
    port: { type: 'string', default: '0' },
  },
  strict: true,
});
const procs = Number(args.procs);
if (!Number.isInteger(procs) || procs < 1) throw new RangeError(`--procs must be a positive integer, got ${args.procs}`);
const payload = Number(args.payload);
if (!Number.isInteger(payload) || payload < 16) throw new RangeError(`--payload must be an integer of at least 16 bytes, got ${args.payload}`);

/** @typedef {{ type: 'reset' } | { type: 'snapshot' }} Command */

if (procs > 1 && cluster.isPrimary) {
  cluster.schedulingPolicy = cluster.SCHED_RR;
  const workers = Array.from({ length: procs }, () => cluster.fork());
  const ports = await Promise.all(workers.map((w) => new Promise((resolve) => w.once('listening', (address) => resolve(address.port)))));
  let shuttingDown = false;
  cluster.on('exit', (worker, code, signal) => {
    if (!shuttingDown) fail(`worker ${worker.id} exited (${signal ?? code})`);
    else if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  });
  process.on('SIGTERM', () => {
    shuttingDown = true;
    for (const w of workers) w.process.kill('SIGTERM');
  });
  // A command goes to every worker; the primary answers once all of them have.
  serveCommands(async (command) => {
    const replies = await Promise.all(workers.map((w) => new Promise((resolve) => {
      w.once('message', resolve);
      w.send(command);
    })));
    return { type: command.type, workers: replies.map((r) => /** @type {{ metrics?: unknown }} */ (r).metrics) };
  });
  announce(/** @type {number} */ (ports[0]));
} else {
  const options = {
    payload,
    alloc: /** @type {import('./buffers.mjs').Alloc} */ (args.alloc),
    release: /** @type {import('./buffers.mjs').Release} */ (args.release),
  };
  const server = args.protocol === 'frame' ? frameServer(options) : args.protocol === 'http' ? httpServer(options) : undefined;
  if (server === undefined) throw new TypeError(`--protocol must be http or frame, got ${args.protocol}`);
  const metrics = startMetrics();
  server.listen(Number(args.port), '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  /** @param {Command} command */
  const run = (command) => {
    if (command.type === 'reset') metrics.reset();
    return { type: command.type, metrics: command.type === 'snapshot' ? metrics.snapshot() : undefined };
  };
  if (cluster.isWorker) {
    process.on('message', (command) => process.send?.(run(/** @type {Command} */ (command))));
  } else {
    serveCommands(async (command) => ({ type: command.type, workers: [run(command).metrics] }));
    process.on('SIGTERM', () => process.exit(0));
    announce(/** @type {import('node:net').AddressInfo} */ (server.address()).port);
  }
}

/** @param {(command: Command) => Promise<object>} answer */
function serveCommands(answer) {
  process.on('message', async (command) => process.send?.(await answer(/** @type {Command} */ (command))));
}

/** @param {number} port */
function announce(port) {
  if (process.send !== undefined) process.send({ type: 'listening', port });
  else console.log(`${args.protocol} server (${args.alloc}, ${procs} process${procs > 1 ? 'es' : ''}) on 127.0.0.1:${port}`);
}

/** @param {string} message */
function fail(message) {
  console.error(`serve.mjs: ${message}`);
  process.exit(1);
}
