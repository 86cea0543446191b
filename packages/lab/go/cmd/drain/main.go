// Command drain is exercise 2 in Go: 100 × Put(Get()), -gcs forced collections, 100 × Put(Get())
// again. It prints one JSON line: newCount before and after, GOMAXPROCS, and the P the main
// goroutine ran on when it made its last Put and when it made its first Get after the
// collections, so that "it resumed on another P" is measured, not inferred.
package main

import (
	"encoding/json"
	"flag"
	"os"
	"runtime"
	"sync"
	_ "unsafe" // go:linkname
)

// procPin is what sync.Pool itself calls (as sync.runtime_procPin) to find its P's local.
//
//go:linkname procPin runtime.procPin
func procPin() int

//go:linkname procUnpin runtime.procUnpin
func procUnpin()

// currentP is the id of the P the calling goroutine runs on now.
func currentP() int {
	p := procPin()
	procUnpin()
	return p
}

func main() {
	gcs := flag.Int("gcs", 2, "runtime.GC() calls between the two loops")
	flag.Parse()
	newCount := 0
	pool := &sync.Pool{New: func() any { newCount++; return new(int) }}
	putP := -1
	for i := 0; i < 100; i++ {
		v := pool.Get()
		putP = currentP()
		pool.Put(v)
	}
	before := newCount
	for i := 0; i < *gcs; i++ {
		runtime.GC()
	}
	getP := currentP()
	for i := 0; i < 100; i++ {
		pool.Put(pool.Get())
	}
	_ = json.NewEncoder(os.Stdout).Encode(map[string]int{
		"gomaxprocs": runtime.GOMAXPROCS(0), "gcs": *gcs, "before": before, "after": newCount, "putP": putP, "getP": getP,
	})
}
