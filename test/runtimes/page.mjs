// Runs scenario.mjs in a browser page, once bundled (esbuild, Rollup or webpack, default browser
// settings). The page's script leaves its results in window.scenarioResult, a promise.
import { run } from './scenario.mjs';

globalThis.scenarioResult = run(new URL('scenario-worker.js', location.href)).then((result) => {
  result.platform.crossOriginIsolated = globalThis.crossOriginIsolated;
  return result;
});
