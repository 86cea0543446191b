// Command steal is exercise 3 in Go: one producer goroutine puts 10000 items, three consumers
// get 3000 each. The seed counts nil results as misses, but with New set Get never returns nil,
// so misses here are calls of New: gets the pool could not serve from any P. It also records the
// order in which the goroutines started ("p" the producer, "c0".."c2" the consumers in the order
// they were spawned), so that which one Go's scheduler ran first is measured, not inferred.
package main

import (
	"encoding/json"
	"flag"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
)

// started records the goroutines in the order they began running.
type started struct {
	mu    sync.Mutex
	order []string
}

func (s *started) begin(name string) {
	s.mu.Lock()
	s.order = append(s.order, name)
	s.mu.Unlock()
}

func main() {
	procs := flag.Int("procs", 4, "GOMAXPROCS")
	lock := flag.Bool("lock", true, "runtime.LockOSThread in every goroutine")
	racing := flag.Bool("race", false, "start the consumers at once, as the seed does, instead of after the producer")
	flag.Parse()
	runtime.GOMAXPROCS(*procs)
	var news atomic.Int64
	pool := &sync.Pool{New: func() any { news.Add(1); return new(int) }}
	var order started
	var produced sync.WaitGroup
	produced.Add(1)
	go func() {
		defer produced.Done()
		order.begin("p")
		if *lock {
			runtime.LockOSThread()
		}
		for i := 0; i < 10000; i++ {
			v := new(int)
			*v = i
			pool.Put(v)
		}
	}()
	if !*racing {
		produced.Wait()
	}
	var wg sync.WaitGroup
	for c := 0; c < 3; c++ {
		wg.Add(1)
		name := "c" + strconv.Itoa(c)
		go func() {
			defer wg.Done()
			order.begin(name)
			if *lock {
				runtime.LockOSThread()
			}
			for j := 0; j < 3000; j++ {
				pool.Get()
			}
		}()
	}
	wg.Wait()
	produced.Wait()
	misses := news.Load()
	_ = json.NewEncoder(os.Stdout).Encode(map[string]any{
		"procs": *procs, "lock": *lock, "race": *racing, "hits": 9000 - misses, "misses": misses,
		"order": order.order,
	})
}
