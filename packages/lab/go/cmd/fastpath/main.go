// Command fastpath is exercise 5 in Go, the seed's steps: a tiny program that calls Get and Put
// once, for `go tool objdump -s 'sync\.\(\*Pool\)\.Get'` to disassemble.
package main

import (
	"fmt"
	"sync"
)

var pool = sync.Pool{New: func() any { return new(int) }}

func main() {
	x := pool.Get().(*int)
	*x++
	pool.Put(x)
	fmt.Println(*x)
}
