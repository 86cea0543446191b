// Task 1 in Go, correct: formatPooled takes a *bytes.Buffer from a sync.Pool and resets it before Put.
package mypkg

import (
	"bytes"
	"strconv"
	"sync"
)

func format(n int) string {
	var b bytes.Buffer
	write(&b, n)
	return b.String()
}

func write(b *bytes.Buffer, n int) {
	for i := 0; i < n; i++ {
		b.WriteString(strconv.Itoa(i))
		b.WriteByte(',')
	}
}

var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func formatPooled(n int) string {
	b := buffers.Get().(*bytes.Buffer)
	write(b, n)
	s := b.String()
	b.Reset()
	buffers.Put(b)
	return s
}
