package nerve

// #include <nerve.h>
import "C"

import "runtime"

// predictReadingLastError makes the failing-predict call the way this package does not: nerve_predict, then
// nerve_last_error in a second cgo call, with a yield between them as any Go code may have. The goroutine can
// resume on another OS thread and read that thread's message. Only the tests call it, to count how often
// that happens.
func (n *Network) predictReadingLastError(out, x []float32, samples int) (Status, string) {
	defer runtime.KeepAlive(n)
	status := C.nerve_predict(n.handle.Load(), floats(x), C.int64_t(samples), floats(out), C.int64_t(len(out)))
	runtime.Gosched()
	return Status(status), C.GoString(C.nerve_last_error())
}
