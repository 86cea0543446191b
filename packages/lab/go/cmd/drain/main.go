// Command drain is exercise 2 in Go: 100 × Put(Get()), -gcs forced collections, 100 × Put(Get())
// again. It prints one JSON line: newCount before and after, and GOMAXPROCS.
package main

import (
	"encoding/json"
	"flag"
	"os"
	"runtime"
	"sync"
)

func main() {
	gcs := flag.Int("gcs", 2, "runtime.GC() calls between the two loops")
	flag.Parse()
	newCount := 0
	pool := &sync.Pool{New: func() any { newCount++; return new(int) }}
	for i := 0; i < 100; i++ {
		pool.Put(pool.Get())
	}
	before := newCount
	for i := 0; i < *gcs; i++ {
		runtime.GC()
	}
	for i := 0; i < 100; i++ {
		pool.Put(pool.Get())
	}
	_ = json.NewEncoder(os.Stdout).Encode(map[string]int{
		"gomaxprocs": runtime.GOMAXPROCS(0), "gcs": *gcs, "before": before, "after": newCount,
	})
}
