package nerve

// #include <nerve.h>
import "C"

// Activation of a layer's units.
type Activation int32

const (
	Sigmoid   Activation = C.NERVE_ACT_SIGMOID
	Tanh      Activation = C.NERVE_ACT_TANH
	ReLU      Activation = C.NERVE_ACT_RELU
	LeakyReLU Activation = C.NERVE_ACT_LEAKY_RELU
	Linear    Activation = C.NERVE_ACT_LINEAR
	Softmax   Activation = C.NERVE_ACT_SOFTMAX
	Step      Activation = C.NERVE_ACT_STEP
	Exp       Activation = C.NERVE_ACT_EXP
)

// String is the library's name for the activation, e.g. "leaky_relu".
func (a Activation) String() string {
	return enumName(C.NERVE_ENUM_ACTIVATION, int32(a))
}

// enumName asks the library, so names are spelled in one place only.
func enumName(enumeration C.nerve_enumeration, value int32) string {
	name := C.nerve_enum_name(enumeration, C.int32_t(value))
	if name == nil {
		return "unknown"
	}
	return C.GoString(name)
}
