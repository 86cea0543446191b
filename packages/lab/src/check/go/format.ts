/**
 * `check 1 --go <dir>`: the seed's Go shape of task 1 (a package with `format(n int) string` and
 * the learner's pooled `formatPooled(n int) string`). The check adds a test of its own: the
 * reset by behaviour (formatPooled equals format for several n in mixed order), then both as
 * benchmarks under `go test -bench -benchmem`, judged by the reference run's judgeBufferPool.
 */
import { parseGoBench } from 'syncpool-bench';
import type { Result } from '../../exercise.js';
import { judgeBufferPool } from '../../exercises/01-buffer-pool.js';
import { BENCH_SETTINGS, figuresOf, foldRuns } from '../../lib/bench.js';
import { round, showSpread } from '../../lib/stats.js';
import { withGoPackage } from './package.js';

export const GO_FORMAT_CONTRACT = `package mypkg

func format(n int) string       // "0,1,...,n-1," in a fresh bytes.Buffer per call (the seed's)
func formatPooled(n int) string // the same output, in a *bytes.Buffer from a sync.Pool, Reset before Put`;

const ORDER = [100, 7, 100, 0, 250, 3, 100, 1, 42, 100];

const testSource = (pkg: string) => `package ${pkg}

import (
	"strconv"
	"strings"
	"testing"
)

// Written by syncpool-lab check 1 --go.
var syncpoolLabSink string

func TestSyncpoolLabReset(t *testing.T) {
	previous := -1
	for _, n := range []int{${ORDER.join(', ')}} {
		var want strings.Builder
		for i := 0; i < n; i++ {
			want.WriteString(strconv.Itoa(i) + ",")
		}
		if got := format(n); got != want.String() {
			t.Fatalf("format(%d) gave %.40q, not the seed's %.40q", n, got, want.String())
		}
		if got := formatPooled(n); got != want.String() {
			t.Fatalf("formatPooled(%d) after formatPooled(%d) gave %.40q, not format(%d)'s %.40q", n, previous, got, n, want.String())
		}
		previous = n
	}
}

func BenchmarkSyncpoolLabFormatNoPool(b *testing.B) {
	for i := 0; i < b.N; i++ {
		syncpoolLabSink = format(100)
	}
}

func BenchmarkSyncpoolLabFormatPool(b *testing.B) {
	for i := 0; i < b.N; i++ {
		syncpoolLabSink = formatPooled(100)
	}
}
`;

export async function checkGoFormat(path: string): Promise<{ result: Result; text: string }> {
  return withGoPackage(path, GO_FORMAT_CONTRACT, 'syncpool_lab_format_test.go', testSource, async ({ version, go }) => {
    const reset = await go(['test', '-count=1', '-v', '-run', '^TestSyncpoolLabReset$', '.']);
    const fault = /syncpool_lab_format_test\.go:\d+: (.*)/.exec(reset.text)?.[1];
    const { benchtime, count } = BENCH_SETTINGS.quick;
    const benchArgs = ['test', '-run', '^$', '-bench', '^BenchmarkSyncpoolLab', '-benchmem', '-benchtime', benchtime, '-count', String(count), '.'];
    const bench = reset.ok ? await go(benchArgs) : undefined;
    const figures = bench === undefined ? undefined : foldRuns(parseGoBench(bench.text), (r) => r.name.replace(/^BenchmarkSyncpoolLab/, ''));
    const noPool = figures === undefined ? undefined : figuresOf(figures, 'FormatNoPool');
    const pool = figures === undefined ? undefined : figuresOf(figures, 'FormatPool');
    const judgement = noPool === undefined || pool === undefined
      ? { verdict: 'does not hold' as const, reason: fault === undefined ? `the check's test failed:\n${reset.text.trim()}`
        : fault.startsWith('formatPooled') ? `a reused buffer kept the previous user's bytes: it was not reset before Put. The call that showed it: ${fault}. Not benchmarked.`
          : `${fault}; nothing was measured.` }
      : judgeBufferPool(noPool, pool, true);
    const rows = noPool === undefined || pool === undefined ? [] : [
      ['format', showSpread(noPool.ns), round(noPool.bytesPerOp), round(noPool.allocsPerOp)],
      ['formatPooled', showSpread(pool.ns), round(pool.bytesPerOp), round(pool.allocsPerOp)],
    ];
    const text = [
      `Task 1 (Go): ${judgement.verdict}`,
      `  ${judgement.reason}`,
      `  (${version}; go ${benchArgs.join(' ')})`,
      ...(rows.length === 0 ? [] : ['', ...rows.map(([a, b, c, d]) => `  ${String(a).padEnd(14)}${String(b).padEnd(28)}${String(c).padEnd(8)} B/op  ${String(d)} allocs/op`)]),
    ].join('\n');
    return {
      text,
      result: {
        verdict: judgement.verdict,
        reason: judgement.reason,
        explanation: `The check copied your package, added a test that compares formatPooled with format for n = ${ORDER.join(', ')} ` +
          `in that order, and two benchmarks of format(100) and formatPooled(100) run with go test -bench -benchmem (${version}).`,
        tables: rows.length === 0 ? [] : [{ title: 'go test -bench -benchmem', columns: ['benchmark', 'ns/op', 'B/op', 'allocs/op'], rows }],
        charts: [],
        artifacts: bench === undefined ? [] : [{ name: 'go-bench.txt', content: bench.text, show: 'link' }],
      },
    };
  });
}

/** What init 1 --go writes: the seed's starter, with formatPooled to write. */
export const GO_FORMAT_STARTER = {
  'go.mod': 'module mypkg\n\ngo 1.19\n',
  'format.go': `package mypkg

import (
	"bytes"
	"strconv"
)

func format(n int) string {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		b.WriteString(strconv.Itoa(i))
		b.WriteByte(',')
	}
	return b.String()
}

// formatPooled: the same output, in a *bytes.Buffer from a sync.Pool (Reset before Put).
func formatPooled(n int) string {
	return format(n) // TODO
}
`,
};
