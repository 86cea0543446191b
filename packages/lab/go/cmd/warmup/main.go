// Command warmup is exercise 12 in Go: pre-warm K items, serve requests holding 1..-peak items at
// once (the same skewed distribution as the TypeScript run), force a GC every -requests requests, and
// print the New rate per get for the start-up window (the cycles before the -startup'th GC) and
// for steady state (every cycle after it).
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

func main() {
	k := flag.Int("k", 0, "items to pre-warm")
	cycles := flag.Int("cycles", 20, "GC cycles")
	startup := flag.Int("startup", 2, "cycles in the start-up window")
	seed := flag.Int64("seed", 12, "seed of the demand stream")
	requestsPerCycle := flag.Int("requests", 50, "requests between two GCs")
	peak := flag.Int("peak", 16, "the most items one request holds")
	flag.Parse()
	news := 0
	pool := &sync.Pool{New: func() any { news++; b := make([]byte, 256); return &b }}
	for i := 0; i < *k; i++ {
		b := make([]byte, 256)
		pool.Put(&b)
	}
	random := rand.New(rand.NewSource(*seed))
	var rates [2]struct{ news, gets int }
	held := make([]*[]byte, 0, *peak)
	for cycle := 0; cycle < *cycles; cycle++ {
		w := &rates[0]
		if cycle >= *startup {
			w = &rates[1]
		}
		before := news
		for r := 0; r < *requestsPerCycle; r++ {
			demand := 1 + int(math.Pow(random.Float64(), 6)*float64(*peak))
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
		"k": *k, "seed": *seed, "gomaxprocs": runtime.GOMAXPROCS(0),
		"startupRate": float64(rates[0].news) / float64(rates[0].gets),
		"steadyRate":  float64(rates[1].news) / float64(rates[1].gets),
	})
}
