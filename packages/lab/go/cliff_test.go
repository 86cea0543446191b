package syncpoollab

// Exercise 6: get/put of pooled buffers with and without a goroutine that forces a GC every
// 100 ms. Go cannot switch the victim cache off, so only the two runs with it exist.

import (
	"bytes"
	"runtime"
	"sync"
	"testing"
	"time"
)

func cliff(b *testing.B, withGC bool) {
	pool := sync.Pool{New: func() any { return new(bytes.Buffer) }}
	stop := make(chan struct{})
	if withGC {
		go func() {
			t := time.NewTicker(100 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					runtime.GC()
				}
			}
		}()
	}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			buf := pool.Get().(*bytes.Buffer)
			buf.WriteString("payload ")
			buf.WriteByte('0')
			buf.Reset()
			pool.Put(buf)
		}
	})
	close(stop)
}

func BenchmarkCliffNoGC(b *testing.B) { cliff(b, false) }
func BenchmarkCliffGC(b *testing.B)   { cliff(b, true) }
