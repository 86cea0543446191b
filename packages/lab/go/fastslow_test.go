package syncpoollab

// Exercise 4: the private-slot fast path against a forced slow path. The slow path keeps the
// getting goroutine's P empty: another goroutine, locked to its own thread, puts a batch, and
// every Get must steal from that P's shared queue (popTail).

import (
	"runtime"
	"sync"
	"testing"
)

func BenchmarkPathFast(b *testing.B) {
	pool := sync.Pool{New: func() any { return new(block) }}
	for i := 0; i < b.N; i++ {
		pool.Put(pool.Get())
	}
}

func BenchmarkPathSteal(b *testing.B) {
	if runtime.GOMAXPROCS(0) < 2 {
		b.Skip("stealing needs GOMAXPROCS >= 2")
	}
	const batch = 64
	pool := sync.Pool{}
	items := make([]*block, batch)
	for i := range items {
		items[i] = new(block)
	}
	fill := make(chan struct{})
	filled := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		for range fill {
			for _, it := range items {
				pool.Put(it)
			}
			filled <- struct{}{}
		}
	}()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	got, stolen := 0, 0
	b.ResetTimer()
	for got < b.N {
		b.StopTimer()
		fill <- struct{}{}
		<-filled
		b.StartTimer()
		for i := 0; i < batch && got < b.N; i++ {
			if pool.Get() != nil {
				stolen++
			}
			got++
		}
	}
	b.StopTimer()
	close(fill)
	b.ReportMetric(float64(stolen)/float64(got), "hits/op")
}
