package nerve

// #include <stdlib.h>
// #include <nerve.h>
import "C"

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"unsafe"
)

// Network is a feedforward network owned by the library. Predict, Save and the size getters may run on many
// goroutines at once; Train needs the network to itself (a concurrent Train fails with StatusBusy). Close
// releases it; calls after Close fail with StatusInvalid.
type Network struct {
	handle atomic.Pointer[C.nerve_net]
}

// Create makes a network with layer sizes sizes[0] (inputs) .. sizes[len-1] (outputs) and activations[i]
// between sizes[i] and sizes[i+1], initialised from seed.
func Create(sizes []int, activations []Activation, cost Cost, seed uint64) (*Network, error) {
	if len(sizes) < 2 || len(activations) != len(sizes)-1 {
		return nil, &Error{Status: StatusSize, Message: fmt.Sprintf(
			"%d layer sizes and %d activations: need at least 2 sizes and one activation fewer", len(sizes),
			len(activations))}
	}
	cSizes := make([]C.int32_t, len(sizes))
	for i, size := range sizes {
		cSizes[i] = C.int32_t(size)
	}
	cActivations := make([]C.int32_t, len(activations))
	for i, activation := range activations {
		cActivations[i] = C.int32_t(activation)
	}
	var handle *C.nerve_net
	var report C.nerve_error
	status := C.nerve_create_r(&handle, &cSizes[0], C.int32_t(len(cSizes)), &cActivations[0],
		C.nerve_cost_function(cost), C.uint64_t(seed), &report)
	if err := errorFrom(status, &report); err != nil {
		return nil, err
	}
	return adopt(handle), nil
}

// Load reads a network saved by Save (or by any program through nerve_save).
func Load(path string) (*Network, error) {
	cPath := C.CString(path)
	defer C.free(unsafe.Pointer(cPath))
	var handle *C.nerve_net
	var report C.nerve_error
	if err := errorFrom(C.nerve_load_r(cPath, &handle, &report), &report); err != nil {
		return nil, err
	}
	return adopt(handle), nil
}

// adopt wraps a new handle; the finalizer frees a network its owner forgot to Close.
func adopt(handle *C.nerve_net) *Network {
	n := &Network{}
	n.handle.Store(handle)
	runtime.SetFinalizer(n, (*Network).Close)
	return n
}

// Close frees the network. Closing twice, or a nil *Network, does nothing.
func (n *Network) Close() error {
	if n == nil {
		return nil
	}
	if handle := n.handle.Swap(nil); handle != nil {
		C.nerve_free(handle)
		runtime.SetFinalizer(n, nil)
	}
	return nil
}

// InputSize and OutputSize are the values per sample the network reads and writes; 0 after Close.
func (n *Network) InputSize() int {
	defer runtime.KeepAlive(n)
	return int(C.nerve_input_size(n.handle.Load()))
}

func (n *Network) OutputSize() int {
	defer runtime.KeepAlive(n)
	return int(C.nerve_output_size(n.handle.Load()))
}

// Train fits the network to samples x (one row of InputSize values per sample) and targets y (one row of
// OutputSize values per sample).
func (n *Network) Train(x, y []float32, options TrainOptions) error {
	defer runtime.KeepAlive(n)
	samples, err := n.rows(x)
	if err != nil {
		return err
	}
	if len(y) != samples*n.OutputSize() {
		return &Error{Status: StatusSize, Message: fmt.Sprintf(
			"%d samples need %d target values, got %d", samples, samples*n.OutputSize(), len(y))}
	}
	opts := options.native()
	var report C.nerve_error
	status := C.nerve_train_r(n.handle.Load(), floats(x), floats(y), C.int64_t(samples), nil, nil, 0, &opts,
		&report)
	return errorFrom(status, &report)
}

// Predict runs the network on x (one row of InputSize values per sample) and returns one row of OutputSize
// values per sample.
func (n *Network) Predict(x []float32) ([]float32, error) {
	samples, err := n.rows(x)
	if err != nil {
		return nil, err
	}
	out := make([]float32, samples*n.OutputSize())
	if err := n.PredictInto(out, x); err != nil {
		return nil, err
	}
	return out, nil
}

// PredictInto writes the predictions for x to out, whose length is the capacity the library may fill: a short
// out fails with StatusCapacity and a message giving the size needed.
func (n *Network) PredictInto(out, x []float32) error {
	defer runtime.KeepAlive(n)
	samples, err := n.rows(x)
	if err != nil {
		return err
	}
	var report C.nerve_error
	status := C.nerve_predict_r(n.handle.Load(), floats(x), C.int64_t(samples), floats(out), C.int64_t(len(out)),
		&report)
	return errorFrom(status, &report)
}

// Save writes the network to path atomically: a failure leaves any previous file there as it was.
func (n *Network) Save(path string) error {
	defer runtime.KeepAlive(n)
	cPath := C.CString(path)
	defer C.free(unsafe.Pointer(cPath))
	var report C.nerve_error
	return errorFrom(C.nerve_save_r(n.handle.Load(), cPath, &report), &report)
}

// rows counts the samples in x; a length that is not a whole number of rows would make the library read a
// partial last row, so it is refused here.
func (n *Network) rows(x []float32) (int, error) {
	inputs := n.InputSize()
	if inputs == 0 {
		return 0, &Error{Status: StatusInvalid, Message: "the network is closed"}
	}
	if len(x)%inputs != 0 {
		return 0, &Error{Status: StatusSize, Message: fmt.Sprintf(
			"%d values are not whole samples of %d inputs", len(x), inputs)}
	}
	return len(x) / inputs, nil
}

// floats passes a slice's first element, or NULL for an empty slice (the library then sees n = 0).
func floats(values []float32) *C.float {
	if len(values) == 0 {
		return nil
	}
	return (*C.float)(unsafe.Pointer(&values[0]))
}
