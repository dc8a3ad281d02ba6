package kernels

import "github.com/kingserf/king/noun"

// Counter returns the counter kernel: its state counts events, every poke's
// only effect is the ovum itself ([ovum ~]), and every peek answers
// [~ %noun count]. It boots from exactly the boot list of vectors.json's
// kernel_example, so it reproduces the mugs Urbit's serf reports for it.
func Counter() Kernel {
	return Kernel{
		Name:    "counter",
		Battery: battery(mookWish(), peekState(axState), GateArm(echoOvum())),
		State:   noun.Zero,
	}
}
