// Broken, for check 7 --go: the mutex ring without its mutex; the race detector sees the slots and
// the word written from several goroutines without synchronisation.
package myqueue

import (
	"sync/atomic"
)

type Dequeue struct {
	headTail atomic.Uint64
	vals     []any
}

func unpack(ptrs uint64) (head, tail uint32) { return uint32(ptrs >> 32), uint32(ptrs) }

func pack(head, tail uint32) uint64 { return uint64(head)<<32 | uint64(tail) }

func (d *Dequeue) PushHead(v any) bool {
	head, tail := unpack(d.headTail.Load())
	if head-tail == uint32(len(d.vals)) {
		return false
	}
	d.vals[head%uint32(len(d.vals))] = v
	d.headTail.Store(pack(head+1, tail))
	return true
}

func (d *Dequeue) PopHead() (any, bool) {
	head, tail := unpack(d.headTail.Load())
	if head == tail {
		return nil, false
	}
	head--
	slot := &d.vals[head%uint32(len(d.vals))]
	v := *slot
	*slot = nil
	d.headTail.Store(pack(head, tail))
	return v, true
}

func (d *Dequeue) PopTail() (any, bool) {
	head, tail := unpack(d.headTail.Load())
	if head == tail {
		return nil, false
	}
	slot := &d.vals[tail%uint32(len(d.vals))]
	v := *slot
	*slot = nil
	d.headTail.Store(pack(head, tail+1))
	return v, true
}
