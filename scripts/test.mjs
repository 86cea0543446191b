// Runs every packages/*/test/**/*.test.ts and test/**/*.test.ts file under node's built-in test
// runner: each package's own tests, then the cross-runtime and packaging tests of the repository.
// Node 20's --test does not expand globs or pick up .ts files itself, so the list is built here;
// tsx (registered with --import) compiles the TypeScript, in worker threads too.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const only = process.argv.slice(2);
const files = only.length > 0 ? only : [...readdirSync('packages').flatMap((pkg) => {
  try { return testFiles(join('packages', pkg, 'test')); } catch { return []; }
}), ...testFiles('test')];
if (files.length === 0) {
  console.error('scripts/test.mjs: no test files found under packages/*/test or test');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
