// Build step after tsc: bundles the explorer's page script (src/explore/client.ts with the real
// syncpool library it replays and runs live) into dist/explore/client.bundle.js, which the built
// lab inlines into its pages. esbuild is a devDependency: the built lab needs only the bundle.
import { build } from 'esbuild';

await build({
  entryPoints: [new URL('./src/explore/client.ts', import.meta.url).pathname],
  outfile: new URL('./dist/explore/client.bundle.js', import.meta.url).pathname,
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
