"""The workloads as a plain vectorized numpy float32 network: one matrix product per layer and direction per
mini-batch, the same mathematics as Nerve (sigmoid or ReLU hidden layers, softmax output with log-likelihood,
SGD with optional momentum, weights ~ N(0, 1/√n_in) or He, biases ~ N(0, 1))."""

import numpy as np

import fashion_mnist
import peer_protocol


class NumpyNetwork:
    def __init__(self, sizes, hidden, seed):
        self.rng = np.random.default_rng(seed)
        self.hidden = hidden
        scale = (lambda n_in: np.sqrt(2.0 / n_in)) if hidden == "relu" else (lambda n_in: 1.0 / np.sqrt(n_in))
        # Weights are stored inputs × outputs so the forward pass is a @ W without a transpose.
        self.weights = [(self.rng.standard_normal((n_in, n_out)) * scale(n_in)).astype(np.float32)
                        for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        self.biases = [self.rng.standard_normal(n_out).astype(np.float32) for n_out in sizes[1:]]
        self.weight_velocity = [np.zeros_like(w) for w in self.weights]
        self.bias_velocity = [np.zeros_like(b) for b in self.biases]

    def _activate(self, z):
        if self.hidden == "relu":
            return np.maximum(z, 0, out=z)
        np.negative(z, out=z)
        np.exp(z, out=z)
        z += 1
        return np.reciprocal(z, out=z)

    def _derivative_from_output(self, a):
        if self.hidden == "relu":
            return (a > 0).astype(np.float32)
        return a * (1 - a)

    @staticmethod
    def _softmax(z):
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        return z

    def forward(self, x):
        activations = [x]
        last = len(self.weights) - 1
        for layer, (w, b) in enumerate(zip(self.weights, self.biases)):
            z = activations[-1] @ w
            z += b
            activations.append(self._softmax(z) if layer == last else self._activate(z))
        return activations

    def train_epoch(self, x, y, batch, lr, momentum):
        order = self.rng.permutation(len(x))
        lr = np.float32(lr)
        momentum = np.float32(momentum)
        for start in range(0, len(x), batch):
            rows = order[start:start + batch]
            activations = self.forward(x[rows])
            # Softmax with log-likelihood: δ = a − y, averaged over the mini-batch.
            delta = activations[-1] - y[rows]
            delta /= np.float32(len(rows))
            for layer in range(len(self.weights) - 1, -1, -1):
                weight_gradient = activations[layer].T @ delta
                bias_gradient = delta.sum(axis=0)
                if layer > 0:
                    delta = (delta @ self.weights[layer].T) * self._derivative_from_output(activations[layer])
                if momentum:
                    v, u = self.weight_velocity[layer], self.bias_velocity[layer]
                    v *= momentum
                    v -= lr * weight_gradient
                    u *= momentum
                    u -= lr * bias_gradient
                    self.weights[layer] += v
                    self.biases[layer] += u
                else:
                    self.weights[layer] -= lr * weight_gradient
                    self.biases[layer] -= lr * bias_gradient

    def predict(self, x):
        return self.forward(x)[-1]


def main():
    args = peer_protocol.parse()
    net = NumpyNetwork(args.sizes, args.hidden, args.seed)
    test_x, test_labels = fashion_mnist.load(args.data, "t10k")
    if args.mode == "train":
        x, labels = fashion_mnist.load(args.data, "train", args.n)
        y = fashion_mnist.one_hot(labels)
        result = peer_protocol.training_result(
            "numpy", lambda: net.train_epoch(x, y, args.batch, args.lr, args.momentum),
            lambda: np.mean(net.predict(test_x).argmax(axis=1) == test_labels), args.epochs)
    elif args.mode == "latency":
        samples = [row.reshape(1, -1) for row in test_x[:1000]]
        result = peer_protocol.latency_result("numpy", net.predict, samples, args.calls)
    else:
        result = peer_protocol.throughput_result("numpy", net.predict, test_x, args.repeats)
    result["version"] = np.__version__
    peer_protocol.emit(result)


if __name__ == "__main__":
    main()
