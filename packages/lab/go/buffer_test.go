package syncpoollab

// Exercise 1: format(100) with a fresh bytes.Buffer, and with one from a sync.Pool.

import (
	"bytes"
	"strconv"
	"sync"
	"testing"
)

var sinkString string

func format(n int) string {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		b.WriteString(strconv.Itoa(i))
		b.WriteByte(',')
	}
	return b.String()
}

var bufferPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func formatPooled(n int) string {
	b := bufferPool.Get().(*bytes.Buffer)
	for i := 0; i < n; i++ {
		b.WriteString(strconv.Itoa(i))
		b.WriteByte(',')
	}
	s := b.String()
	b.Reset() // keeps the capacity: the next user writes without growing
	bufferPool.Put(b)
	return s
}

func BenchmarkFormatNoPool(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkString = format(100)
	}
}

func BenchmarkFormatPool(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkString = formatPooled(100)
	}
}
