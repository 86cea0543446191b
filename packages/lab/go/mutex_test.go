package syncpoollab

// Exercise 10: a hand-rolled mutex-protected pool against sync.Pool, under contention
// (run with -cpu 1,2,4).

import (
	"sync"
	"testing"
)

type block [64]byte

type mutexPool struct {
	mu    sync.Mutex
	items []*block
}

func (p *mutexPool) get() *block {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.items); n > 0 {
		b := p.items[n-1]
		p.items = p.items[:n-1]
		return b
	}
	return new(block)
}

func (p *mutexPool) put(b *block) {
	p.mu.Lock()
	p.items = append(p.items, b)
	p.mu.Unlock()
}

func BenchmarkContendedMutexPool(b *testing.B) {
	var pool mutexPool
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			x := pool.get()
			x[0]++
			pool.put(x)
		}
	})
}

func BenchmarkContendedSyncPool(b *testing.B) {
	pool := sync.Pool{New: func() any { return new(block) }}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			x := pool.Get().(*block)
			x[0]++
			pool.Put(x)
		}
	})
}
