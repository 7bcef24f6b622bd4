"""Network: one libnerve network owned by a Python object."""

import ctypes
import os
import weakref
from ctypes import byref, c_float, c_int32, c_size_t, c_void_p

import numpy as np

from . import _arrays, _lib
from .errors import check, error_for
from .history import Epoch, History
from .interrupt import InterruptRequest
from .progress import reporter

_ACTIVATION_NAMES = {code: name for name, code in _lib.ACTIVATIONS.items()}
_COST_NAMES = {code: name for name, code in _lib.COSTS.items()}


def _choice(value, choices, name):
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}; choose one of {', '.join(map(repr, choices))}")
    return choices[value]


def layer_activations(activations, layers):
    """Per-layer activation names from one name (every layer), a (hidden, output) pair, or one name per layer."""
    if isinstance(activations, str):
        names = [activations] * layers
    else:
        names = list(activations)
        if len(names) == 2 and layers > 2:
            names = [names[0]] * (layers - 1) + [names[1]]
        elif len(names) != layers:
            raise ValueError(
                f"activations needs one name, a (hidden, output) pair or {layers} names, got {len(names)}"
            )
    for name in names:
        _choice(name, _lib.ACTIVATIONS, "activation")
    return names


def default_cost(output_activation):
    """The cost that pairs with an output activation: softmax → log-likelihood, sigmoid → cross-entropy."""
    return {"softmax": "log_likelihood", "sigmoid": "cross_entropy"}.get(output_activation, "quadratic")


class Network:
    """A fully connected feedforward network.

    >>> net = Network([784, 100, 10], activations=["sigmoid", "softmax"], cost="log_likelihood", seed=0)

    `activations` is one name for every layer, a (hidden, output) pair, or one name per layer, from sigmoid,
    tanh, relu, leaky_relu, linear, softmax and step. `cost` is quadratic, cross_entropy or log_likelihood; by
    default the one that pairs with the output activation. `seed` fixes initial weights, shuffling and dropout.
    """

    def __init__(self, sizes, activations="sigmoid", cost=None, seed=0):
        sizes = [_arrays.int32(size, "sizes") for size in sizes]
        if len(sizes) < 2:
            raise ValueError(f"sizes needs at least an input and an output size, got {sizes}")
        if min(sizes) < 1:
            raise ValueError(f"sizes must be positive, got {sizes}")
        names = layer_activations(activations, len(sizes) - 1)
        cost_code = _choice(default_cost(names[-1]) if cost is None else cost, _lib.COSTS, "cost")
        seed = _arrays.uint64(seed, "seed")
        c_sizes = (c_int32 * len(sizes))(*sizes)
        c_activations = (c_int32 * len(names))(*(_lib.ACTIVATIONS[name] for name in names))
        handle = c_void_p()
        check(_lib.lib().nerve_create(byref(handle), c_sizes, len(sizes), c_activations, cost_code, seed))
        self._adopt(handle)

    def _adopt(self, handle):
        self._handle = handle
        self._finalizer = weakref.finalize(self, _lib.lib().nerve_free, handle.value)
        self.history = None

    @classmethod
    def _from_handle(cls, handle):
        net = cls.__new__(cls)
        net._adopt(handle)
        return net

    # ----------------------------------------------------------------------------------------------- structure

    @property
    def input_size(self):
        return _lib.lib().nerve_input_size(self._handle)

    @property
    def output_size(self):
        return _lib.lib().nerve_output_size(self._handle)

    @property
    def layer_count(self):
        """Layers with weights: len(sizes) - 1."""
        return _lib.lib().nerve_layer_count(self._handle)

    @property
    def cost(self):
        return _COST_NAMES[_lib.lib().nerve_cost(self._handle)]

    def _layer_info(self, layer):
        inputs, outputs, activation = c_int32(), c_int32(), c_int32()
        check(_lib.lib().nerve_layer_info(self._handle, layer, byref(inputs), byref(outputs), byref(activation)))
        return inputs.value, outputs.value, activation.value

    def _layer_index(self, layer):
        count = self.layer_count
        index = _arrays.int32(layer, "layer")
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError(f"layer {layer} out of range for a network of {count} layers")
        return index

    @property
    def sizes(self):
        infos = [self._layer_info(layer) for layer in range(self.layer_count)]
        return [infos[0][0]] + [outputs for _, outputs, _ in infos]

    @property
    def activations(self):
        return [_ACTIVATION_NAMES[self._layer_info(layer)[2]] for layer in range(self.layer_count)]

    def get_layer(self, layer):
        """(weights, biases) of a layer as new float32 arrays: weights[j, k] connects input k to output j."""
        index = self._layer_index(layer)
        inputs, outputs, _ = self._layer_info(index)
        weights = np.empty((outputs, inputs), dtype=np.float32)
        biases = np.empty(outputs, dtype=np.float32)
        check(
            _lib.lib().nerve_get_layer(
                self._handle, index, _arrays.pointer(weights), weights.size, _arrays.pointer(biases), biases.size
            )
        )
        return weights, biases

    def set_layer(self, layer, weights=None, biases=None):
        """Replaces a layer's weights (outputs × inputs) and/or biases (outputs); None keeps the current ones."""
        index = self._layer_index(layer)
        inputs, outputs, _ = self._layer_info(index)
        if weights is not None:
            weights = _arrays.shaped(weights, (outputs, inputs), f"weights of layer {index}")
        if biases is not None:
            biases = _arrays.shaped(biases, (outputs,), f"biases of layer {index}")
        check(
            _lib.lib().nerve_set_layer(
                self._handle,
                index,
                _arrays.pointer(weights),
                0 if weights is None else weights.size,
                _arrays.pointer(biases),
                0 if biases is None else biases.size,
            )
        )

    @property
    def weights(self):
        return [self.get_layer(layer)[0] for layer in range(self.layer_count)]

    @property
    def biases(self):
        return [self.get_layer(layer)[1] for layer in range(self.layer_count)]

    def reinit(self, init="auto", seed=0):
        """Draws every weight and bias again: init is auto, normalized, large or he."""
        code = _choice(init, _lib.INITS, "init")
        check(_lib.lib().nerve_reinit(self._handle, code, _arrays.uint64(seed, "seed")))

    # ------------------------------------------------------------------------------------------------ training

    def fit(
        self,
        X,
        Y,
        epochs=10,
        batch_size=10,
        learning_rate=None,
        momentum=0.0,
        l2=0.0,
        l1=0.0,
        dropout=0.0,
        optimizer="sgd",
        validation_data=None,
        early_stopping=0,
        lr_decay=0.0,
        lr_patience=None,
        lr_min=0.0,
        shuffle=True,
        monitor="running",
        adam_beta1=None,
        adam_beta2=None,
        adam_epsilon=None,
        progress=False,
        callback=None,
    ):
        """Trains on X (n × inputs) and Y (n × outputs, or n integer class labels); returns a History.

        learning_rate defaults to 0.1 for SGD and 0.001 for Adam. early_stopping is a patience in epochs and,
        like the learning-rate schedule (lr_decay, lr_patience, lr_min), needs validation_data = (X_val, Y_val).
        monitor says how training cost/accuracy are measured: "none", "running" (free) or "full" (a pass over
        X after each epoch). callback(epoch) is called with an Epoch after every epoch; a true return stops
        training. progress=True shows a tqdm bar (plain lines without tqdm). Ctrl-C stops after the current
        epoch and raises KeyboardInterrupt; `self.history` then holds the epochs that completed.
        """
        x = _arrays.samples(X, self.input_size, name="X")
        y = _arrays.targets(Y, x.shape[0], self.output_size, name="Y")
        eval_x = eval_y = None
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise TypeError("validation_data must be a pair (X_val, Y_val)")
            eval_x = _arrays.samples(validation_data[0], self.input_size, name="validation X")
            eval_y = _arrays.targets(validation_data[1], eval_x.shape[0], self.output_size, name="validation Y")
        if callback is not None and not callable(callback):
            raise TypeError("callback must be callable")

        options = _lib.default_train_options()
        options.epochs = _arrays.int32(epochs, "epochs")
        options.batch_size = _arrays.int32(batch_size, "batch_size")
        options.optimizer = _choice(optimizer, _lib.OPTIMIZERS, "optimizer")
        if learning_rate is None and optimizer == "adam":
            learning_rate = 0.001
        if learning_rate is not None:
            options.learning_rate = _arrays.real(learning_rate, "learning_rate")
        options.momentum = _arrays.real(momentum, "momentum")
        options.l2 = _arrays.real(l2, "l2")
        options.l1 = _arrays.real(l1, "l1")
        options.dropout = _arrays.real(dropout, "dropout")
        options.early_stopping = _arrays.int32(early_stopping, "early_stopping")
        options.lr_decay = _arrays.real(lr_decay, "lr_decay")
        if lr_patience is not None:
            options.lr_patience = _arrays.int32(lr_patience, "lr_patience")
        options.lr_min = _arrays.real(lr_min, "lr_min")
        for name, value in (("adam_beta1", adam_beta1), ("adam_beta2", adam_beta2), ("adam_epsilon", adam_epsilon)):
            if value is not None:
                setattr(options, name, _arrays.real(value, name))
        options.shuffle = 1 if shuffle else 0
        options.monitor_training = _choice(monitor, _lib.MONITORS, "monitor")

        history = History()
        shown = reporter(progress, options.epochs)
        raised = []  # an exception from the callback, re-raised once the C call is over

        with InterruptRequest() as interrupt:

            def on_epoch(report, _user_data):
                try:
                    epoch = Epoch.from_report(report.contents)
                    history.append(epoch)
                    self.history = history  # from the first epoch on, so a failed call leaves the old one
                    shown.update(epoch)
                    if callback is not None and callback(epoch):
                        return 1
                    return 1 if interrupt.requested else 0
                except BaseException as error:  # ctypes would print and drop it, KeyboardInterrupt included
                    raised.append(error)
                    return 1

            options.progress = _lib.PROGRESS_FN(on_epoch)
            try:
                status = _lib.lib().nerve_train(
                    self._handle,
                    _arrays.pointer(x),
                    _arrays.pointer(y),
                    x.shape[0],
                    _arrays.pointer(eval_x),
                    _arrays.pointer(eval_y),
                    0 if eval_x is None else eval_x.shape[0],
                    byref(options),
                )
                failure = None if status >= 0 else error_for(status)
            finally:
                shown.close()
        history.stopped = status == _lib.STOPPED
        if failure is None:
            self.history = history
        if raised:
            raise raised[0]
        if interrupt.requested:
            raise KeyboardInterrupt
        if failure is not None:
            raise failure
        return history

    # ----------------------------------------------------------------------------------------------- inference

    def predict(self, X):
        """The network's outputs for X (n × inputs) as an (n, outputs) float32 array."""
        x = _arrays.samples(X, self.input_size, name="X", allow_empty=True)
        outputs = np.empty((x.shape[0], self.output_size), dtype=np.float32)
        if x.shape[0]:
            check(
                _lib.lib().nerve_predict(
                    self._handle, _arrays.pointer(x), x.shape[0], _arrays.pointer(outputs), outputs.size
                )
            )
        return outputs

    def predict_classes(self, X):
        """The index of the largest output for each sample."""
        return np.argmax(self.predict(X), axis=1)

    def evaluate(self, X, Y):
        """{"cost": ..., "accuracy": ...} on X and Y (as for fit); the cost excludes regularisation."""
        x = _arrays.samples(X, self.input_size, name="X")
        y = _arrays.targets(Y, x.shape[0], self.output_size, name="Y")
        cost, accuracy = c_float(), c_float()
        check(
            _lib.lib().nerve_evaluate(
                self._handle, _arrays.pointer(x), _arrays.pointer(y), x.shape[0], byref(cost), byref(accuracy)
            )
        )
        return {"cost": float(cost.value), "accuracy": float(accuracy.value)}

    # --------------------------------------------------------------------------------------------- persistence

    def save(self, path):
        """Writes the model file (atomically: a failure leaves any previous file as it was)."""
        check(_lib.lib().nerve_save(self._handle, os.fsencode(os.fspath(path))))

    def to_bytes(self):
        """The model file's content as bytes."""
        size = c_size_t()
        check(_lib.lib().nerve_serialized_size(self._handle, byref(size)))
        buffer = ctypes.create_string_buffer(size.value)
        written = c_size_t()
        check(_lib.lib().nerve_save_to_memory(self._handle, buffer, size.value, byref(written)))
        return buffer.raw[: written.value]

    @classmethod
    def from_bytes(cls, data):
        """A network from the bytes of a model file (as to_bytes gives)."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"expected bytes, got {type(data).__name__}")
        data = bytes(data)
        handle = c_void_p()
        check(_lib.lib().nerve_load_from_memory(data, len(data), byref(handle)))
        return cls._from_handle(handle)

    def __getstate__(self):
        history = None if self.history is None else (dict(self.history), self.history.stopped)
        return {"model": self.to_bytes(), "history": history}

    def __setstate__(self, state):
        handle = c_void_p()
        model = state["model"]
        check(_lib.lib().nerve_load_from_memory(model, len(model), byref(handle)))
        self._adopt(handle)
        if state.get("history") is not None:
            self.history = History(*state["history"])

    def __copy__(self):
        twin = type(self).from_bytes(self.to_bytes())
        twin.history = self.history
        return twin

    def __deepcopy__(self, memo):
        twin = type(self).from_bytes(self.to_bytes())
        if self.history is not None:
            twin.history = History(dict(self.history), self.history.stopped)
        return twin

    def __repr__(self):
        return f"Network({self.sizes}, activations={self.activations}, cost={self.cost!r})"


def load(path):
    """Loads a network saved with Network.save (or nerve_save from C)."""
    handle = c_void_p()
    check(_lib.lib().nerve_load(os.fsencode(os.fspath(path)), byref(handle)))
    return Network._from_handle(handle)
