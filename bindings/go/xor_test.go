package nerve

import (
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// The XOR truth table, one sample per row.
var (
	xorInputs  = []float32{0, 0, 0, 1, 1, 0, 1, 1}
	xorTargets = []float32{0, 1, 1, 0}
)

// trainXOR uses the settings of the C example (bindings/c/xor.c): 8 tanh hidden units, full-batch descent.
func trainXOR(t *testing.T) *Network {
	t.Helper()
	net, err := Create([]int{2, 8, 1}, []Activation{Tanh, Sigmoid}, CrossEntropy, 7)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { net.Close() })
	err = net.Train(xorInputs, xorTargets, TrainOptions{Epochs: 500, BatchSize: 4, LearningRate: 0.5, Momentum: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	return net
}

func TestXORIsLearned(t *testing.T) {
	net := trainXOR(t)
	out, err := net.Predict(xorInputs)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 4 {
		t.Fatalf("4 samples gave %d outputs", len(out))
	}
	for i, want := range xorTargets {
		if got := float32(math.Round(float64(out[i]))); got != want {
			t.Errorf("%v XOR %v: predicted %v, want %v", xorInputs[2*i], xorInputs[2*i+1], out[i], want)
		}
	}
}

func TestSaveAndLoadGiveTheSamePredictions(t *testing.T) {
	net := trainXOR(t)
	path := filepath.Join(t.TempDir(), "xor.nerve")
	if err := net.Save(path); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	defer loaded.Close()
	// Inputs off the training points too, so the whole function is compared, not four rounded answers.
	x := []float32{0, 0, 0, 1, 1, 0, 1, 1, 0.25, 0.75, -3, 2.5, 0.5, 0.5}
	before, err := net.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	after, err := loaded.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	for i := range before {
		if math.Float32bits(before[i]) != math.Float32bits(after[i]) {
			t.Errorf("sample %d: %v before saving, %v after loading", i, before[i], after[i])
		}
	}
}

func TestFailuresCarryStatusAndMessage(t *testing.T) {
	net := trainXOR(t)
	// 3 samples of 1 output need 3 floats; a buffer of 2 is short, and the message gives both numbers.
	err := net.PredictInto(make([]float32, 2), xorInputs[:6])
	var nerveErr *Error
	if !errors.As(err, &nerveErr) || !errors.Is(err, StatusCapacity) {
		t.Fatalf("predicting into a short buffer: got %v, want a StatusCapacity *Error", err)
	}
	if got := numbersIn(nerveErr.Message); !sameNumbers(got, []int{2, 3}) {
		t.Errorf("message %q quotes %v, want the capacity 2 and the 3 floats needed", nerveErr.Message, got)
	}

	_, err = Load(filepath.Join(t.TempDir(), "missing.nerve"))
	if !errors.Is(err, StatusIO) || !strings.Contains(err.Error(), "missing.nerve") {
		t.Errorf("loading a missing file: got %v, want StatusIO naming the file", err)
	}

	_, err = Create([]int{2, 1}, []Activation{Softmax}, CrossEntropy, 1)
	if !errors.Is(err, StatusUnsupported) {
		t.Errorf("softmax with cross-entropy: got %v, want StatusUnsupported", err)
	}
}

func TestCloseIsIdempotent(t *testing.T) {
	net, err := Create([]int{2, 1}, []Activation{Sigmoid}, Quadratic, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := net.Close(); err != nil {
		t.Fatal(err)
	}
	if err := net.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := net.Predict([]float32{0, 1}); !errors.Is(err, StatusInvalid) {
		t.Errorf("Predict after Close: got %v, want StatusInvalid", err)
	}
	var none *Network
	if err := none.Close(); err != nil {
		t.Errorf("Close on a nil *Network: %v", err)
	}
}
