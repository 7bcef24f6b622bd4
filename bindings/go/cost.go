package nerve

// #include <nerve.h>
import "C"

// Cost of the output layer: Quadratic with any output activation, CrossEntropy with Sigmoid outputs,
// LogLikelihood with Softmax outputs, Poisson with Exp outputs.
type Cost int32

const (
	Quadratic     Cost = C.NERVE_COST_QUADRATIC
	CrossEntropy  Cost = C.NERVE_COST_CROSS_ENTROPY
	LogLikelihood Cost = C.NERVE_COST_LOG_LIKELIHOOD
	Poisson       Cost = C.NERVE_COST_POISSON
)

// String is the library's name for the cost, e.g. "cross_entropy".
func (c Cost) String() string {
	return enumName(C.NERVE_ENUM_COST, int32(c))
}
