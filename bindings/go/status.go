package nerve

// #include <nerve.h>
import "C"

// Status is a library status code. A Status is also an error, so that errors.Is(err, nerve.StatusCapacity)
// asks which kind of failure an *Error carries.
type Status int32

const (
	StatusOK          Status = C.NERVE_OK
	StatusStopped     Status = C.NERVE_STOPPED
	StatusInvalid     Status = C.NERVE_E_INVALID
	StatusSize        Status = C.NERVE_E_SIZE
	StatusUnsupported Status = C.NERVE_E_UNSUPPORTED
	StatusNoMemory    Status = C.NERVE_E_NOMEM
	StatusIO          Status = C.NERVE_E_IO
	StatusFormat      Status = C.NERVE_E_FORMAT
	StatusBusy        Status = C.NERVE_E_BUSY
	StatusDiverged    Status = C.NERVE_E_DIVERGED
	StatusCapacity    Status = C.NERVE_E_CAPACITY
	StatusAborted     Status = C.NERVE_E_ABORTED
)

// String is the library's English name for the status, e.g. "invalid argument".
func (s Status) String() string {
	return C.GoString(C.nerve_status_string(C.nerve_status(s)))
}

func (s Status) Error() string { return "nerve: " + s.String() }
