package nerve

// #include <nerve.h>
import "C"

// Error is a failed call's status and the library's message for it.
type Error struct {
	Status  Status
	Message string
}

func (e *Error) Error() string {
	if e.Message == "" {
		return e.Status.Error()
	}
	return "nerve: " + e.Message
}

// Is lets errors.Is match an *Error against its Status.
func (e *Error) Is(target error) bool {
	status, ok := target.(Status)
	return ok && status == e.Status
}

// errorFrom turns an _r call's result into a Go error: nil unless the status is negative (NERVE_STOPPED is an
// ending, not a failure).
func errorFrom(status C.nerve_status, report *C.nerve_error) error {
	if Status(status) >= StatusOK {
		return nil
	}
	return &Error{Status: Status(status), Message: C.GoStringN(&report.message[0], C.int(report.length))}
}
