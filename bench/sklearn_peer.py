"""The workloads through scikit-learn's MLPClassifier with solver="sgd": one partial_fit call is one epoch of
shuffled mini-batches (softmax output with log-loss, no L2 term, constant learning rate, classical momentum)."""

import warnings

import numpy as np
import sklearn
from sklearn.neural_network import MLPClassifier

import fashion_mnist
import peer_protocol

CLASSES = np.arange(10)


def make_classifier(args):
    return MLPClassifier(hidden_layer_sizes=tuple(args.sizes[1:-1]),
                         activation="relu" if args.hidden == "relu" else "logistic",
                         solver="sgd", alpha=0.0, batch_size=args.batch, learning_rate="constant",
                         learning_rate_init=args.lr, momentum=args.momentum, nesterovs_momentum=False,
                         shuffle=True, random_state=args.seed)


def main():
    args = peer_protocol.parse()
    warnings.simplefilter("ignore")
    classifier = make_classifier(args)
    test_x, test_labels = fashion_mnist.load(args.data, "t10k")
    if args.mode == "train":
        x, labels = fashion_mnist.load(args.data, "train", args.n)
        result = peer_protocol.training_result(
            "sklearn", lambda: classifier.partial_fit(x, labels, classes=CLASSES),
            lambda: np.mean(classifier.predict(test_x) == test_labels), args.epochs)
    else:
        # Prediction needs a fitted model; a few samples initialise every layer.
        classifier.partial_fit(test_x[:100], test_labels[:100], classes=CLASSES)
        if args.mode == "latency":
            samples = [row.reshape(1, -1) for row in test_x[:1000]]
            result = peer_protocol.latency_result("sklearn", classifier.predict_proba, samples, args.calls)
        else:
            result = peer_protocol.throughput_result("sklearn", classifier.predict_proba, test_x, args.repeats)
    result["version"] = sklearn.__version__
    peer_protocol.emit(result)


if __name__ == "__main__":
    main()
