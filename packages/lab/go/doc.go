// Package syncpoollab holds the Go side of the syncpool lab: the seed exercises written against
// Go's own sync.Pool, so that `syncpool-lab --with-go` can show Go's numbers beside the
// TypeScript ones. Benchmarks run with `go test -bench`; the programs under cmd/ print JSON.
package syncpoollab
