// Package kernels builds the small Nock kernels the serf is tested and
// demonstrated with, and the formula builder they are written in.
//
// A kernel is a core [battery state] with the arms the serf uses
// (PROTOCOL.md §3.4): the poke gate at axis 23, the peek gate at axis 22
// and the wish gate at axis 10. Each kernel here boots from a one-element
// %play list [formula ~] whose formula produces [0 0 kernel], so that the
// lifecycle formula [2 [0 3] [0 2]] leaves the kernel at axis 7.
//
// The generated pills (the jam of each boot list) are checked in under
// testdata/kernels/<name>.pill at the repository root; the Go source lives
// here because the go tool ignores directories named testdata. A test in
// this package regenerates every pill and fails on a difference; run
//
//	go test ./serf/kernels -run TestPills -update
//
// to rewrite them after changing a kernel.
//
// The kernels:
//
//   - counter: counts events; effects echo the ovum; peek gives
//     [~ %noun count]. It is exactly vectors.json's kernel_example.
//   - crashy: a counter that crashes or loops on chosen cards, for testing
//     %crud, %swap, %bail, %alrm, %intr and %meme (see Crashy).
//   - echo: a terminal kernel that echoes keys on session 1 (see Echo).
//   - timer: asks the king for timers with %doze effects, as Arvo's behn
//     does, and counts its %wake events (see Timer).
package kernels
