package nerve

// #include <nerve.h>
import "C"

// TrainOptions are the most used training settings; a zero field keeps the library's default (10 epochs,
// batches of 10, learning rate 0.1, no momentum, no regularisation, one thread).
type TrainOptions struct {
	Epochs       int
	BatchSize    int
	LearningRate float32
	Momentum     float32
	L2           float32
	Threads      int
}

// native starts from nerve_train_options_init, so fields this package does not set keep their defaults and
// struct_size matches the header it was compiled with.
func (o TrainOptions) native() C.nerve_train_options {
	var opts C.nerve_train_options
	C.nerve_train_options_init(&opts)
	if o.Epochs != 0 {
		opts.epochs = C.int32_t(o.Epochs)
	}
	if o.BatchSize != 0 {
		opts.batch_size = C.int32_t(o.BatchSize)
	}
	if o.LearningRate != 0 {
		opts.learning_rate = C.float(o.LearningRate)
	}
	if o.Momentum != 0 {
		opts.momentum = C.float(o.Momentum)
	}
	if o.L2 != 0 {
		opts.l2 = C.float(o.L2)
	}
	if o.Threads != 0 {
		opts.threads = C.int32_t(o.Threads)
	}
	return opts
}
