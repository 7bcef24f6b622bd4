// Package nerve trains and runs Nerve's feedforward neural networks from Go through libnerve's C interface.
//
// Every call goes through the library's _r entry points, which write a failure's status and message into a
// buffer owned by the call. The library's other report, nerve_last_error, lives in thread-local storage, and a
// goroutine may run on another OS thread from one cgo call to the next, so it could read another goroutine's
// message.
//
// Build flags: the header comes from the repository's include directory; the library's directory has to be
// given at build time, e.g. CGO_LDFLAGS="-L/path/to/lib -Wl,-rpath,/path/to/lib".
package nerve

// #cgo CFLAGS: -I${SRCDIR}/../../include
// #cgo LDFLAGS: -lnerve
import "C"
