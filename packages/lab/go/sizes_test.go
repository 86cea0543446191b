package syncpoollab

// Exercise 8: make([]byte, n) against a sync.Pool of *[]byte, per size.

import (
	"strconv"
	"sync"
	"testing"
)

var sinkBytes []byte

var sweepSizes = []int{16, 32, 64, 128, 256, 1024, 4096, 16384}

func BenchmarkSizeMake(b *testing.B) {
	for _, n := range sweepSizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				sinkBytes = make([]byte, n)
			}
		})
	}
}

func BenchmarkSizePool(b *testing.B) {
	for _, n := range sweepSizes {
		n := n
		pool := sync.Pool{New: func() any { s := make([]byte, n); return &s }}
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				p := pool.Get().(*[]byte)
				sinkBytes = *p
				pool.Put(p)
			}
		})
	}
}
