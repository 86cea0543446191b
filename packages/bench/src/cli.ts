#!/usr/bin/env node
// syncpool-bench: go test -bench -benchmem for TypeScript and JavaScript benchmark files.
import { readFileSync, writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { parseGoBenchReport, type BenchResult } from './benchfmt.js';
import { compareResults } from './compare.js';
import { BenchError } from './errors.js';
import { runBenchFiles, type ProgressEvent } from './runner.js';
import { summarize } from './summary.js';
import { histograms, spreadTable } from './views.js';

function positiveInteger(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function probability(text: string): number {
  const p = Number(text);
  if (!(p > 0 && p < 1)) throw new InvalidArgumentError('must be a number between 0 and 1');
  return p;
}

/** Results from Go benchmark text, or from a --json file written by this tool. */
function loadResults(file: string): BenchResult[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new BenchError(`${file}: cannot read: ${(err as Error).message}`);
  }
  if (text.trimStart().startsWith('{')) {
    const results = (JSON.parse(text) as { results?: BenchResult[] }).results;
    if (!Array.isArray(results)) throw new BenchError(`${file}: JSON without a "results" array; expected syncpool-bench --json output`);
    return results;
  }
  const { results, errors } = parseGoBenchReport(text);
  for (const e of errors) process.stderr.write(`${file}:${e.line}: ${e.message}\n`);
  if (results.length === 0) throw new BenchError(`${file}: no benchmark result lines (BenchmarkName N value unit ...)`);
  return results;
}

const VIEWS = ['spread', 'histogram', 'none'] as const;
type View = (typeof VIEWS)[number];

function view(text: string): View {
  if (!(VIEWS as readonly string[]).includes(text)) throw new InvalidArgumentError(`must be one of ${VIEWS.join(', ')}`);
  return text as View;
}

/** The view of `results` (after Go's text): the spread table with boxplots, or histograms. */
function render(kind: View, results: BenchResult[], unit: string): string {
  if (kind === 'none') return '';
  return kind === 'spread' ? spreadTable(results, { unit }) : histograms(results, { unit });
}

function progressBar(): ((e: ProgressEvent) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  const bar = new cliProgress.SingleBar({
    stream: process.stderr, clearOnComplete: true, hideCursor: true,
    format: '{file} {pass} pass [{bar}] {value}/{total}',
  }, cliProgress.Presets.shades_classic);
  let started = false;
  process.on('exit', () => bar.stop());
  return (e) => {
    if (!started) {
      bar.start(e.steps, 0, { file: e.file, pass: e.pass });
      started = true;
    }
    bar.setTotal(e.steps);
    bar.update(e.step, { file: e.file, pass: e.pass });
  };
}

const program = new Command('syncpool-bench')
  .description('Runs *.bench.ts / *.bench.js benchmarks like go test -bench -benchmem: ns/op, B/op, allocs/op in Go\'s format')
  .argument('[paths...]', 'benchmark files or directories to search (default: .)')
  .option('--bench <regexp>', 'run only benchmarks matching the regular expression, split at / per sub-benchmark level', '.')
  .option('--benchtime <t>', 'run each benchmark for a duration (1s, 500ms) or a number of iterations (200x)', '1s')
  .option('--count <n>', 'run each benchmark n times, each in a fresh process', positiveInteger, 1)
  .option('--json <file>', 'also write the results as JSON to file')
  .option('--view <kind>', 'after the Go text, per benchmark: spread (median, p75, p99, min–max and a boxplot), histogram, ' +
    'or none (default: spread when stdout is a terminal, else none: the text stays Go\'s alone)', view)
  .action(async (paths: string[], opts: { bench: string; benchtime: string; count: number; json?: string; view?: View }) => {
    const onProgress = progressBar();
    const result = await runBenchFiles(paths.length > 0 ? paths : ['.'], {
      bench: opts.bench, benchtime: opts.benchtime, count: opts.count, ...(onProgress ? { onProgress } : {}),
    });
    process.stdout.write(result.text);
    const shown = render(opts.view ?? (process.stdout.isTTY ? 'spread' : 'none'), result.results, 'ns/op');
    if (shown !== '') process.stdout.write(`\n${shown}`);
    for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
    if (opts.json !== undefined) {
      const { text: _text, ...data } = result;
      writeFileSync(opts.json, `${JSON.stringify({ version: 1, ...data }, null, 2)}\n`);
    }
    if (result.results.length === 0 && result.failures.length === 0) {
      process.stderr.write(`warning: no benchmarks match --bench ${JSON.stringify(opts.bench)}\n`);
    }
    if (result.failures.length > 0) process.exitCode = 1;
  });

program.command('compare')
  .description('compares two result files (Go benchmark text or --json output) like benchstat')
  .argument('<old>', 'results before the change')
  .argument('<new>', 'results after the change')
  .option('--alpha <p>', 'significance level; changes with a larger p-value print as ~', probability, 0.05)
  .action((oldFile: string, newFile: string, opts: { alpha: number }) => {
    process.stdout.write(compareResults(loadResults(oldFile), loadResults(newFile), { alpha: opts.alpha, oldLabel: oldFile, newLabel: newFile }));
  });

program.command('summary')
  .description('tabulates contenders: one column per group (a name without its last level), one row per last level, ' +
    'each cell the median and min–max of its runs, then each group ranked fastest first')
  .argument('<files...>', 'results (Go benchmark text or --json output)')
  .option('--unit <unit>', 'the unit to tabulate; lower is better', 'ns/op')
  .action((files: string[], opts: { unit: string }) => {
    process.stdout.write(summarize(files.flatMap(loadResults), { unit: opts.unit }));
  });

program.command('stats')
  .description('per benchmark: the median, p75, p99 and min–max of its samples (one per --count round), ' +
    'with a boxplot on one scale, or a histogram of each')
  .argument('<files...>', 'results (Go benchmark text or --json output)')
  .option('--unit <unit>', 'the unit to show', 'ns/op')
  .option('--histogram', 'a histogram per benchmark instead of the table')
  .action((files: string[], opts: { unit: string; histogram?: boolean }) => {
    process.stdout.write(render(opts.histogram === true ? 'histogram' : 'spread', files.flatMap(loadResults), opts.unit));
  });

program.exitOverride((err) => {
  process.exit(err.exitCode === 0 ? 0 : 2);
});

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (!(err instanceof BenchError)) throw err;
  process.stderr.write(`syncpool-bench: ${err.message}\n`);
  process.exit(2);
}
