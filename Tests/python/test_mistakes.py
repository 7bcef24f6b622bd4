"""Common mistakes and what they raise: the exception a caller can catch and a message in the words they typed.

Each row is (the mistaken call, the exception type, a fragment the message must hold). The fragments are written
out by hand from what the call got wrong, not copied from the code.
"""

import numpy as np
import pytest

import nerve

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
Y = np.array([0, 1, 1, 0])


def _net():
    return nerve.Network([2, 3, 2], activations=["tanh", "softmax"], seed=1)


def _fit(**options):
    return lambda: _net().fit(X, Y, **{"epochs": 1, "batch_size": 2, **options})


def _set_threads(count):
    def call():
        _net().threads = count

    return call


def _estimator_fit(name, **params):
    def call():
        from nerve import sklearn

        estimator = getattr(sklearn, name)(**{"max_iter": 2, **params})
        estimator.fit(np.random.default_rng(0).random((20, 3)), np.arange(20) % 2)

    return call


def _estimator_new(**params):
    def call():
        from nerve.sklearn import MLPClassifier

        MLPClassifier(**params)

    return call


MISTAKES = [
    # Options the chosen optimizer does not use.
    ("momentum with adam", _fit(optimizer="adam", momentum=0.9), ValueError,
     "momentum applies to optimizer='sgd' only"),
    ("adam_beta1 with sgd", _fit(adam_beta1=0.8), ValueError, "adam_beta1 applies to optimizer='adam' only"),
    ("adam_beta2 and adam_epsilon with sgd", _fit(optimizer="sgd", adam_beta2=0.9, adam_epsilon=1e-7), ValueError,
     "adam_beta2, adam_epsilon apply to optimizer='adam' only"),
    # Options that watch the validation cost, without validation data.
    ("early_stopping without validation_data", _fit(early_stopping=3), ValueError,
     "early_stopping=3 needs validation_data"),
    ("lr_decay without validation_data", _fit(lr_decay=2.0), ValueError, "lr_decay=2.0 needs validation_data"),
    ("lr_patience without lr_decay", _fit(lr_patience=2, validation_data=(X, Y)), ValueError,
     "lr_patience applies only with the learning-rate schedule"),
    ("lr_min without lr_decay", _fit(lr_min=0.01), ValueError, "lr_min applies only with the learning-rate schedule"),
    # Wrong types, named.
    ("shuffle='no'", _fit(shuffle="no"), TypeError, "shuffle must be True or False, got 'no'"),
    ("progress=1", _fit(progress=1), TypeError, "progress must be True, False, 'tqdm', 'plain' or 'plot', got 1"),
    ("epochs=2.5", _fit(epochs=2.5), TypeError, "epochs must be an integer, got float"),
    ("epochs=True", _fit(epochs=True), TypeError, "epochs must be an integer, got bool"),
    ("learning_rate='0.1'", _fit(learning_rate="0.1"), TypeError, "learning_rate must be a real number, got str"),
    ("optimizer=None", _fit(optimizer=None), TypeError, "optimizer must be a name (str), got NoneType"),
    ("callback=3", _fit(callback=3), TypeError, "callback must be callable"),
    ("sizes='784'", lambda: nerve.Network("784"), TypeError, "sizes must be a sequence of ints, got str"),
    ("Dense(units='10')", lambda: nerve.Dense("10"), TypeError, "units must be an integer, got str"),
    # Unknown names and wrong values, caught before the library.
    ("optimizer='rmsprop'", _fit(optimizer="rmsprop"), ValueError, "unknown optimizer 'rmsprop'; choose one of"),
    ("padding='full'", lambda: nerve.Conv2D(4, 3, padding="full"), ValueError, "unknown padding 'full'"),
    ("validation X of 3 columns", _fit(validation_data=(np.zeros((4, 3)), Y)), ValueError,
     "validation X has 3 columns but the network takes 2 inputs"),
    ("validation Y of 3 rows", _fit(validation_data=(X, Y[:3])), ValueError,
     "validation Y has 3 samples but validation X has 4"),
    ("NaN in X", lambda: _net().predict([[0.0, np.nan]]), ValueError, "X contains NaN or infinite values"),
    ("from_bytes of a str", lambda: nerve.Network.from_bytes("abc"), TypeError, "data must be bytes, got str"),
    # The library's refusals, in the Python API's words (no C function names).
    ("dropout=1.5", _fit(dropout=1.5), nerve.NerveValueError, "dropout must be in [0, 1), got 1.5"),
    ("fit threads=300", _fit(threads=300), nerve.NerveValueError,
     "threads must be None (the network's setting) or 1 to 256, got 300"),
    ("net.threads = 0", _set_threads(0), nerve.NerveValueError, "threads must be 1 to 256, got 0"),
    ("softmax with cross_entropy", lambda: nerve.Network([2, 3], activations="softmax", cost="cross_entropy"),
     nerve.NerveUnsupportedError, "the cross-entropy cost needs a sigmoid output layer, not softmax"),
    ("a window larger than the image",
     lambda: nerve.Network(input_shape=(1, 8, 8), layers=[nerve.Conv2D(2, 9)]), nerve.NerveSizeError,
     "layers[0]: a 9×9 window does not fit in a 8×8 input without padding"),
    ("loading a missing file", lambda: nerve.load("/nonexistent/model.nerve"), nerve.NerveIOError,
     'cannot open "/nonexistent/model.nerve"'),
    ("from_bytes of three bytes", lambda: nerve.Network.from_bytes(b"abc"), nerve.NerveFormatError,
     "not a Nerve model"),
    # The estimators, validated as scikit-learn validates its own.
    ("alpha='0.1'", _estimator_fit("MLPClassifier", alpha="0.1"), ValueError,
     "The 'alpha' parameter of MLPClassifier must be a float in the range [0.0, inf). Got '0.1' instead."),
    ("alpha='0.1' is a TypeError too", _estimator_fit("MLPClassifier", alpha="0.1"), TypeError,
     "The 'alpha' parameter of MLPClassifier"),
    ("max_iter=0", _estimator_fit("MLPRegressor", max_iter=0), ValueError,
     "The 'max_iter' parameter of MLPRegressor must be an int in the range [1, inf). Got 0 instead."),
    ("solver='newton'", _estimator_fit("MLPClassifier", solver="newton"), ValueError,
     "The 'solver' parameter of MLPClassifier must be a str among"),
    ("hidden_layer_sizes=(10, 0)", _estimator_fit("MLPClassifier", hidden_layer_sizes=(10, 0)), ValueError,
     "The 'hidden_layer_sizes' parameter of MLPClassifier must be an int >= 1 or a sequence of ints >= 1. "
     "Got (10, 0) instead."),
    ("n_jobs=True", _estimator_fit("MLPClassifier", n_jobs=True), ValueError,
     "The 'n_jobs' parameter of MLPClassifier must be None or a non-zero int. Got True instead."),
    ("dropout with lbfgs", _estimator_fit("MLPClassifier", solver="lbfgs", dropout=0.5), ValueError,
     "dropout=0.5 needs solver 'sgd' or 'adam'"),
    ("an unknown estimator parameter", _estimator_new(learning_rate_max=1.0), TypeError,
     "got an unexpected keyword argument 'learning_rate_max'"),
]


@pytest.mark.parametrize("call, error, fragment", [row[1:] for row in MISTAKES], ids=[row[0] for row in MISTAKES])
def test_mistake(call, error, fragment):
    with pytest.raises(error) as raised:
        call()
    message = str(raised.value)
    assert fragment in message
    # Words the caller never typed: C function names, the library's name for validation data, private classes.
    for foreign in ("nerve_", "evaluation data", "eval_x", "_NerveMLP", "_Pool2D"):
        assert foreign not in message


def test_private_base_class_is_never_named():
    from nerve.sklearn import MLPClassifier, MLPRegressor

    for cls in (MLPClassifier, MLPRegressor):
        with pytest.raises(TypeError) as raised:
            cls(units=3)
        assert cls.__name__ in str(raised.value) or "__init__()" in str(raised.value)
        assert "_NerveMLP" not in str(raised.value)


def test_options_that_apply_are_accepted():
    # The neutral values and the right combinations raise nothing.
    net = _net()
    net.fit(X, Y, epochs=1, optimizer="adam", momentum=0.0, adam_beta1=0.8, adam_epsilon=1e-7, shuffle=np.True_)
    net.fit(X, Y, epochs=2, momentum=0.5, validation_data=(X, Y), early_stopping=1, lr_decay=2.0, lr_patience=1,
            lr_min=1e-4)
    assert len(net.history) >= 1
