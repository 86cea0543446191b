// Runs every packages/*/test/**/*.test.ts and test/**/*.test.ts file under node's built-in test
// runner: each package's own tests, then the cross-runtime and packaging tests of the repository.
// Node 20's --test does not expand globs or pick up .ts files itself, so the list is built here;
// tsx (registered with --import) compiles the TypeScript, in worker threads too.
// The files run two at a time (2 cores are the machine the suite is sized for), except those
// whose verdicts rest on timings of processes they start: the benchmark harness's own tests (the
// order test compares medians with the run-to-run spread) and every file that says
// `// test: runs alone` (the lab's checks that judge a learner's benchmarks). Those run first,
// one file at a time, with nothing beside them.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, normalize } from 'node:path';

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
function run(group, concurrency) {
  if (group.length === 0) return 0;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...group],
    { stdio: 'inherit' });
  return result.status ?? 1;
}

const timed = (file) => normalize(file).startsWith(join('packages', 'bench', 'test'))
  || readFileSync(file, 'utf8').includes('\n// test: runs alone\n');
const alone = run(files.filter(timed), 1);
const paired = run(files.filter((file) => !timed(file)), 2);
process.exit(alone !== 0 ? alone : paired);
