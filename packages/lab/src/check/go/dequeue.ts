/**
 * `check 7 --go <dir>`: the seed's Go shape of task 7 (package myqueue, Dequeue{headTail
 * atomic.Uint64; vals []any}, PushHead/PopHead/PopTail). The check copies the package to a
 * temporary folder, drops in a stress test of its own (an owner pushing 200,000 values and
 * popping its head, two stealers popping the tail, exact accounting, a watchdog that reports a
 * hang with where each goroutine was and the headTail word) and runs it under `go test -race`.
 * The criterion is the seed's: the race detector finds nothing, no value lost or taken twice.
 */
import type { Result } from '../../exercise.js';
import { withGoPackage } from './package.js';

export const GO_DEQUEUE_CONTRACT = `package myqueue

type Dequeue struct {
	headTail atomic.Uint64 // head and tail packed into one word
	vals     []any         // the ring; the check makes it with make([]any, 64)
}

func (d *Dequeue) PushHead(v any) bool   // owner only; false when full
func (d *Dequeue) PopHead() (any, bool)  // owner only
func (d *Dequeue) PopTail() (any, bool)  // any goroutine`;

/** The stress test the check adds to the learner's package. */
export const GO_STRESS_TEST = `package myqueue

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Written by syncpool-lab check 7 --go: an owner pushes values 0..n-1 (popping its head every
// tenth push), stealers pop the tail, and every value must come out exactly once.
func TestSyncpoolLabStress(t *testing.T) {
	const n, stealers, stallAfter = 200000, 2, 3 * time.Second
	d := &Dequeue{vals: make([]any, 64)}
	seen := make([]int32, n)
	var progress, bad atomic.Int64
	var stop, stalled atomic.Bool
	where := make([]atomic.Int32, 1+stealers) // 0 between operations, 1 PushHead, 2 PopHead, 3 PopTail
	take := func(v any, ok bool) {
		if !ok {
			return
		}
		i, isInt := v.(int)
		if !isInt || i < 0 || i >= n {
			if bad.Add(1) == 1 {
				t.Errorf("a pop returned %v, a value nobody pushed", v)
			}
			return
		}
		atomic.AddInt32(&seen[i], 1)
		progress.Add(1)
	}
	var wg sync.WaitGroup
	for s := 1; s <= stealers; s++ {
		wg.Add(1)
		go func(s int) {
			defer wg.Done()
			for !stop.Load() {
				where[s].Store(3)
				v, ok := d.PopTail()
				where[s].Store(0)
				take(v, ok)
				if !ok {
					runtime.Gosched()
				}
			}
		}(s)
	}
	owner := make(chan struct{})
	go func() {
		defer close(owner)
		for i := 0; i < n && !stalled.Load(); i++ {
			for !stalled.Load() {
				where[0].Store(1)
				ok := d.PushHead(i)
				where[0].Store(0)
				if ok {
					progress.Add(1)
					break
				}
				runtime.Gosched()
			}
			if i%10 == 9 {
				where[0].Store(2)
				v, ok := d.PopHead()
				where[0].Store(0)
				take(v, ok)
			}
		}
	}()
	names := []string{"between operations", "inside PushHead", "inside PopHead", "inside PopTail"}
	last, lastAt := progress.Load(), time.Now()
	for waiting := true; waiting; {
		select {
		case <-owner:
			waiting = false
		case <-time.After(100 * time.Millisecond):
			if p := progress.Load(); p != last {
				last, lastAt = p, time.Now()
			} else if time.Since(lastAt) > stallAfter {
				stalled.Store(true)
				desc := ""
				for g := range where {
					name := "owner"
					if g > 0 {
						name = fmt.Sprintf("stealer %d", g)
					}
					desc += fmt.Sprintf("%s %s; ", name, names[where[g].Load()])
				}
				t.Fatalf("hang: no goroutine moved a value for %v (%s%d steps so far); headTail = %#x", stallAfter, desc, p, d.headTail.Load())
			}
		}
	}
	stop.Store(true)
	wg.Wait()
	for {
		v, ok := d.PopTail()
		if !ok {
			break
		}
		take(v, ok)
	}
	lost, twice, firstLost, firstTwice := 0, 0, -1, -1
	for i, c := range seen {
		if c == 0 {
			lost++
			if firstLost < 0 {
				firstLost = i
			}
		} else if c > 1 {
			twice++
			if firstTwice < 0 {
				firstTwice = i
			}
		}
	}
	if lost > 0 || twice > 0 {
		t.Fatalf("%d of %d values lost (first: %d), %d taken more than once (first: %d)", lost, n, firstLost, twice, firstTwice)
	}
	t.Logf("all %d values were taken exactly once", n)
}
`;

export async function checkGoDequeue(path: string): Promise<{ result: Result; text: string }> {
  return withGoPackage(path, GO_DEQUEUE_CONTRACT, 'syncpool_lab_stress_test.go', () => GO_STRESS_TEST, async ({ version, go }) => {
    const args = ['test', '-race', '-count=1', '-v', '-timeout', '150s', '-run', '^TestSyncpoolLabStress$', '.'];
    const out = await go(args);
    const races = (out.text.match(/WARNING: DATA RACE/g) ?? []).length;
    const failure = out.text.split('\n').find((l) => /^\s+syncpool_lab_stress_test\.go:\d+: /.test(l))?.trim();
    const holds = out.ok && races === 0;
    const reason = holds
      ? 'go test -race found no data race, and all 200000 values were taken exactly once (an owner pushing and popping its head, two stealers).'
      : [races > 0 ? `the race detector reported ${races} data race${races === 1 ? '' : 's'}` : '',
        failure === undefined ? (races > 0 ? '' : /panic: test timed out/.test(out.text) ? 'the stress test did not finish within go test\'s 150 s timeout' : 'go test failed') : failure.replace(/^syncpool_lab_stress_test\.go:\d+: /, '')]
        .filter((s) => s !== '').join('; ') + '.';
    const firstRace = races === 0 ? [] : out.text.split('\n').slice(out.text.split('\n').findIndex((l) => l.includes('WARNING: DATA RACE')), undefined).slice(0, 14);
    const text = [
      `Task 7 (Go): ${holds ? 'holds' : 'does not hold'}`,
      `  ${reason}`,
      `  (${version}; go ${args.join(' ')})`,
      ...(firstRace.length === 0 ? [] : ['', ...firstRace.map((l) => `  ${l}`)]),
      '',
      holds ? 'Next: try the TypeScript side (npx syncpool-lab init 7), whose check also explores every interleaving.'
        : races > 0 ? 'Next: the two stacks above are the conflicting accesses: one of them needs to go through headTail\'s atomics.'
          : failure?.includes('hang') === true ? 'Next: look at where each goroutine was and at headTail: which slot or counter was never released?'
          : 'Next: follow the value the message names through PushHead and PopTail.',
    ].join('\n');
    return {
      text,
      result: {
        verdict: holds ? 'holds' : 'does not hold',
        reason,
        explanation: 'The check copied your package, added a stress test (an owner pushing 200,000 values through a ring of 64 and ' +
          'popping its head every tenth push, two stealers popping the tail, each value counted, a 3 s watchdog) and ran it with ' +
          `go test -race (${version}).`,
        tables: [],
        charts: [],
        artifacts: [{ name: 'go-test.txt', content: out.text, show: 'link' }],
      },
    };
  });
}

/** What init 7 --go writes: the seed's skeleton, compiling, each method a TODO. */
export const GO_DEQUEUE_STARTER = {
  'go.mod': 'module myqueue\n\ngo 1.19\n',
  'dequeue.go': `package myqueue

import "sync/atomic"

// Dequeue is a single-producer, multi-consumer ring with head and tail packed into one word.
type Dequeue struct {
	headTail atomic.Uint64
	vals     []any
}

// PushHead adds v at the head; owner only. It returns false when the ring is full.
func (d *Dequeue) PushHead(v any) bool {
	return false // TODO
}

// PopHead removes the value at the head; owner only.
func (d *Dequeue) PopHead() (any, bool) {
	return nil, false // TODO
}

// PopTail removes the value at the tail; any goroutine (a CAS loop: stealers race).
func (d *Dequeue) PopTail() (any, bool) {
	return nil, false // TODO
}
`,
};
