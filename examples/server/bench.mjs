#!/usr/bin/env node
// @ts-check
// Does pooling help a real server? `npm run bench:server` runs the grid: for each server (HTTP,
// frames), payload and number of server processes, one fresh server per run, pooled and
// baseline runs alternating within every round. Each run: start the server, warm it up, reset
// its counters, load it for --duration, read its metrics, stop it. The load generator runs in
// this process, on the same cores as the server.
//
//   node examples/server/bench.mjs [--rounds 5] [--duration 2] [--warmup 0.5] [--payloads 256,4096,65536]
//     [--procs 1,2] [--servers http,frame] [--baseline allocUnsafe] [--connections 8] [--depth 16]
//     [--raw FILE] [--results FILE] [--chart FILE] [--report-only]
//
// Writes the Go benchmark lines (benchstat-readable) to --raw and prints them as they come, the
// markdown summary to --results, the chart to --chart. --report-only runs nothing and writes the
// summary and chart again from an existing --raw file.
import { readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform } from 'node:os';
import { dirname, relative, resolve } from 'node:path';
import { createHistogram } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ALLOCS } from './buffers.mjs';
import { runFrameLoad } from './frame-client.mjs';
import { runHttpLoad } from './http-load.mjs';
import { goLine, writeReport } from './report.mjs';
import { startServer } from './server-process.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    duration: { type: 'string', default: '2' },
    warmup: { type: 'string', default: '0.5' },
    payloads: { type: 'string', default: '256,4096,65536' },
    procs: { type: 'string', default: '1,2' },
    servers: { type: 'string', default: 'http,frame' },
    baseline: { type: 'string', default: 'allocUnsafe' },
    connections: { type: 'string', default: '8' },
    depth: { type: 'string', default: '16' },
    raw: { type: 'string', default: resolve(here, 'results.txt') },
    results: { type: 'string', default: resolve(here, 'RESULTS.md') },
    chart: { type: 'string', default: resolve(root, 'docs/server.svg') },
    'report-only': { type: 'boolean', default: false },
  },
  strict: true,
});

const list = (/** @type {string} */ text) => text.split(',').map((s) => s.trim()).filter((s) => s !== '');
/** @param {string} flag @param {string} text @param {number} min */
function positive(flag, text, min = 1) {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min) throw new RangeError(`--${flag} must be a number of at least ${min}, got ${JSON.stringify(text)}`);
  return n;
}
const rounds = positive('rounds', args.rounds);
const durationMs = positive('duration', args.duration, 0.1) * 1000;
const warmupMs = positive('warmup', args.warmup, 0) * 1000;
const payloads = list(args.payloads).map((p) => positive('payloads', p, 16));
const procsList = list(args.procs).map((p) => positive('procs', p));
const servers = list(args.servers);
for (const s of servers) if (s !== 'http' && s !== 'frame') throw new RangeError(`--servers takes http and frame, got ${JSON.stringify(s)}`);
const baseline = args.baseline;
if (baseline === 'pool' || !ALLOCS.includes(/** @type {never} */ (baseline))) {
  throw new RangeError(`--baseline must be one of ${ALLOCS.filter((a) => a !== 'pool').join(', ')}, got ${JSON.stringify(baseline)}`);
}
const connections = positive('connections', args.connections);
const depth = positive('depth', args.depth);

const uptime = () => loadavg().map((x) => x.toFixed(2)).join(' ');

/**
 * One run: a fresh server, warmed up, measured, stopped.
 * @param {{ protocol: 'http' | 'frame', payload: number, procs: number, alloc: string }} config
 * @returns {Promise<import('./report.mjs').Run>}
 */
async function measure(config) {
  const { protocol, payload, procs, alloc } = config;
  const env = { ...process.env };
  delete env.SYNCPOOL_DEBUG; // debug mode fills and checks every buffer: never measure it
  const server = await startServer(['--protocol', protocol, '--payload', String(payload), '--alloc', alloc, '--procs', String(procs)], env);
  try {
    const load = protocol === 'http' ? runHttpLoad : runFrameLoad;
    const common = { port: server.port, payload, connections, depth };
    if (warmupMs > 0) await load({ ...common, durationMs: warmupMs });
    await server.command({ type: 'reset' });
    const latencies = createHistogram();
    const { requests, seconds } = await load({ ...common, durationMs, latencies });
    const { workers } = await server.command({ type: 'snapshot' });
    return { ...config, requests, seconds, p50: latencies.percentile(50), p99: latencies.percentile(99), p999: latencies.percentile(99.9), workers };
  } finally {
    await server.stop();
  }
}

const report = { baseline, rawPath: args.raw, resultsPath: args.results, chartPath: args.chart };
if (args['report-only']) {
  await writeReport({ ...report, goText: readFileSync(args.raw, 'utf8') });
} else {
  const goText = await runGrid();
  writeFileSync(args.raw, goText);
  await writeReport({ ...report, goText });
}
console.error(`wrote ${[args.raw, args.results, args.chart].map((p) => relative(process.cwd(), p)).join(', ')}`);

/** Runs every configuration `rounds` times and returns the Go benchmark text, printing it as it goes. */
async function runGrid() {
  const started = performance.now();
  const header = [
    `goos: ${platform()}`,
    `goarch: ${arch()}`,
    'pkg: examples/server',
    `cpu: ${cpus()[0]?.model.trim() ?? 'unknown'}`,
    `cores: ${cpus().length}`,
    `node: ${process.version}`,
    `load-at-start: ${uptime()}`,
    `setup: ${rounds} rounds, ${durationMs / 1000} s per run after a ${warmupMs / 1000} s warm-up; HTTP: autocannon, ${connections} connections; ` +
      `frames: ${connections} connections with ${depth} requests in flight each; the load generator shares the cores with the server`,
  ];
  console.log(header.join('\n'));
  const lines = [];
  const configs = servers.flatMap((protocol) =>
    payloads.flatMap((payload) => procsList.map((procs) => ({ protocol: /** @type {'http' | 'frame'} */ (protocol), payload, procs }))));
  for (let round = 1; round <= rounds; round++) {
    for (const [i, config] of configs.entries()) {
      // Pool first in half the pairs, so that drift in the machine's load favours neither.
      for (const alloc of (round + i) % 2 === 0 ? ['pool', baseline] : [baseline, 'pool']) {
        const line = goLine(await measure({ ...config, alloc }));
        lines.push(line);
        console.log(line);
      }
    }
  }
  const footer = [`load-at-end: ${uptime()}`, `ok\texamples/server\t${((performance.now() - started) / 1000).toFixed(1)}s`];
  console.log(footer.join('\n'));
  return [...header, ...lines, ...footer, ''].join('\n');
}
