// @ts-check
// Load generator for the HTTP server: autocannon's programmatic API, bounded by time and by
// request count. autocannon keeps its latency histogram in whole milliseconds, too coarse on
// loopback, so each response's latency (its 'response' event, a float in ms) is recorded in a
// perf_hooks histogram in nanoseconds, as the frame client does.
import autocannon from 'autocannon';
import { createHistogram } from 'node:perf_hooks';

/** The request bound beside the time bound: far above what loopback serves in a run. */
const MAX_REQUESTS = 10_000_000;

/**
 * @param {object} options
 * @param {number} options.port
 * @param {number} options.payload expected body size
 * @param {number} options.durationMs
 * @param {number} [options.connections]
 * @param {import('node:perf_hooks').RecordableHistogram} [options.latencies]
 * @returns {Promise<{ requests: number, seconds: number }>}
 */
export async function runHttpLoad({ port, payload, durationMs, connections = 8, latencies = createHistogram() }) {
  let wrongSize = 0;
  /** @type {NodeJS.Timeout | undefined} */
  let watchdog;
  /** @type {autocannon.Result} */
  const result = await new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${port}/`,
        connections,
        pipelining: 1,
        duration: durationMs / 1000,
        maxOverallRequests: MAX_REQUESTS,
        timeout: 10,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on('response', (_client, statusCode, resBytes, responseTime) => {
      if (statusCode !== 200 || resBytes < payload) wrongSize++;
      latencies.record(Math.max(1, Math.round(responseTime * 1e6)));
    });
    watchdog = setTimeout(() => instance.stop(), durationMs + 10_000);
  });
  clearTimeout(watchdog);
  const failures = result.errors + result.timeouts + result.non2xx + wrongSize;
  if (failures > 0) {
    throw new Error(`http load: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx, ${wrongSize} short responses`);
  }
  return { requests: result.requests.total, seconds: result.duration };
}
