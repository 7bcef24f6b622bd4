package nerve

import (
	"errors"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"testing"
)

const (
	goroutines          = 16
	callsPerGoroutine   = 6250 // 100,000 failing calls in all
	samplesPerCall      = 100  // one output each: 100 floats needed, and every capacity below is short of it
	minimumProcsForTest = 4
)

// Every goroutine predicts into a buffer of its own short length (goroutine g: g+1 floats), so the message of
// each failure ("... holds g+1 floats but 100 are needed") names the goroutine that made the call. Through the
// _r calls no goroutine may ever read another's message, whatever OS threads the scheduler moves it across.
func TestErrorsStayWithTheirGoroutine(t *testing.T) {
	procs := runtime.NumCPU()
	if procs < minimumProcsForTest {
		procs = minimumProcsForTest
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))

	net, err := Create([]int{2, 3, 1}, []Activation{Sigmoid, Sigmoid}, Quadratic, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	x := make([]float32, 2*samplesPerCall)

	// The check below needs a message that quotes the buffer's length and the floats needed.
	err = net.PredictInto(make([]float32, 7), x)
	var first *Error
	if !errors.As(err, &first) || first.Status != StatusCapacity || !sameNumbers(numbersIn(first.Message), []int{7, samplesPerCall}) {
		t.Fatalf("a 7-float buffer for %d outputs gave %v; the test needs StatusCapacity quoting 7 and %d",
			samplesPerCall, err, samplesPerCall)
	}

	foreign := failEverywhere(func(out []float32) (Status, string) {
		err := net.PredictInto(out, x)
		var nerveErr *Error
		if !errors.As(err, &nerveErr) {
			return StatusOK, ""
		}
		runtime.Gosched()
		return nerveErr.Status, nerveErr.Message
	})
	if foreign != 0 {
		t.Errorf("%d of %d failing calls through the _r API reported another goroutine's message", foreign,
			goroutines*callsPerGoroutine)
	}

	// The same traffic through nerve_last_error: not asserted, since how often goroutines change threads
	// between two calls depends on the machine and its load.
	threadLocalForeign := failEverywhere(func(out []float32) (Status, string) {
		return net.predictReadingLastError(out, x, samplesPerCall)
	})
	t.Logf("%d goroutines x %d failing calls, GOMAXPROCS %d: %d foreign messages through the _r API, %d through "+
		"nerve_last_error", goroutines, callsPerGoroutine, procs, foreign, threadLocalForeign)
}

// failEverywhere runs callsPerGoroutine failing calls on each of the goroutines, yielding between calls, and
// counts the answers that are not the calling goroutine's own: a wrong status, or a message quoting other
// numbers than its buffer's length and the floats needed.
func failEverywhere(call func(out []float32) (Status, string)) int {
	var wg sync.WaitGroup
	counts := make([]int, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			out := make([]float32, g+1)
			own := []int{g + 1, samplesPerCall}
			for i := 0; i < callsPerGoroutine; i++ {
				status, message := call(out)
				if status != StatusCapacity || !sameNumbers(numbersIn(message), own) {
					counts[g]++
				}
				runtime.Gosched()
			}
		}(g)
	}
	wg.Wait()
	total := 0
	for _, count := range counts {
		total += count
	}
	return total
}

var decimal = regexp.MustCompile(`\d+`)

func numbersIn(message string) []int {
	var numbers []int
	for _, digits := range decimal.FindAllString(message, -1) {
		value, err := strconv.Atoi(digits)
		if err == nil {
			numbers = append(numbers, value)
		}
	}
	return numbers
}

// sameNumbers compares as multisets: the test does not depend on the order the message gives them in.
func sameNumbers(got, want []int) bool {
	if len(got) != len(want) {
		return false
	}
	a := append([]int(nil), got...)
	b := append([]int(nil), want...)
	sort.Ints(a)
	sort.Ints(b)
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
