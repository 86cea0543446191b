// Command warmup is exercise 12 in Go: pre-warm K items, serve requests holding 1..16 items at
// once (the same skewed distribution as the TypeScript run), force a GC every 200 requests, and
// print the New rate per get for the start-up half and the steady-state half of the cycles.
package main

import (
	"encoding/json"
	"flag"
	"math"
	"math/rand"
	"os"
	"runtime"
	"sync"
)

const peak = 16
const requestsPerCycle = 200

func main() {
	k := flag.Int("k", 0, "items to pre-warm")
	cycles := flag.Int("cycles", 20, "GC cycles")
	flag.Parse()
	news := 0
	pool := &sync.Pool{New: func() any { news++; b := make([]byte, 256); return &b }}
	for i := 0; i < *k; i++ {
		b := make([]byte, 256)
		pool.Put(&b)
	}
	random := rand.New(rand.NewSource(12))
	var rates [2]struct{ news, gets int }
	held := make([]*[]byte, 0, peak)
	for cycle := 0; cycle < *cycles; cycle++ {
		w := &rates[0]
		if cycle >= *cycles/2 {
			w = &rates[1]
		}
		before := news
		for r := 0; r < requestsPerCycle; r++ {
			demand := 1 + int(math.Pow(random.Float64(), 6)*peak)
			for i := 0; i < demand; i++ {
				held = append(held, pool.Get().(*[]byte))
			}
			w.gets += demand
			for _, b := range held {
				(*b)[0] = byte(r)
				pool.Put(b)
			}
			held = held[:0]
		}
		w.news += news - before
		runtime.GC()
	}
	_ = json.NewEncoder(os.Stdout).Encode(map[string]any{
		"k": *k, "gomaxprocs": runtime.GOMAXPROCS(0),
		"startupRate": float64(rates[0].news) / float64(rates[0].gets),
		"steadyRate":  float64(rates[1].news) / float64(rates[1].gets),
	})
}
