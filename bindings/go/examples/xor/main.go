// Command xor trains a 2-8-1 network on XOR, prints its answers and accuracy, and checks that a saved copy
// answers alike.
package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"

	"nerve"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run() error {
	x := []float32{0, 0, 0, 1, 1, 0, 1, 1}
	y := []float32{0, 1, 1, 0}

	net, err := nerve.Create([]int{2, 8, 1}, []nerve.Activation{nerve.Tanh, nerve.Sigmoid}, nerve.CrossEntropy, 7)
	if err != nil {
		return err
	}
	defer net.Close()
	// The whole set in each batch: plain gradient descent, with momentum.
	if err := net.Train(x, y, nerve.TrainOptions{Epochs: 500, BatchSize: 4, LearningRate: 0.5, Momentum: 0.9}); err != nil {
		return err
	}
	out, err := net.Predict(x)
	if err != nil {
		return err
	}
	correct := 0
	for i := range y {
		fmt.Printf("%g XOR %g -> %.3f\n", x[2*i], x[2*i+1], out[i])
		if float32(math.Round(float64(out[i]))) == y[i] {
			correct++
		}
	}
	accuracy := float64(correct) / float64(len(y))
	fmt.Printf("accuracy %.2f\n", accuracy)

	dir, err := os.MkdirTemp("", "nerve-xor-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "xor.nerve")
	if err := net.Save(path); err != nil {
		return err
	}
	loaded, err := nerve.Load(path)
	if err != nil {
		return err
	}
	defer loaded.Close()
	again, err := loaded.Predict(x)
	if err != nil {
		return err
	}
	for i := range out {
		if again[i] != out[i] {
			return fmt.Errorf("sample %d: %g before saving, %g after loading", i, out[i], again[i])
		}
	}
	if accuracy < 1 {
		return fmt.Errorf("XOR not learned: accuracy %.2f", accuracy)
	}
	return nil
}
