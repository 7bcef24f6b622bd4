"""Whatever arrays arrive, predict/evaluate/fit give a correct result or a clean Python exception, never a crash."""

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import nerve

INPUTS, OUTPUTS = 3, 2
NET = nerve.Network([INPUTS, 4, OUTPUTS], activations=["tanh", "softmax"], seed=0)
ACCEPTABLE = (nerve.NerveError, ValueError, TypeError)

dtypes = st.one_of(
    hnp.floating_dtypes(),
    hnp.integer_dtypes(),
    hnp.unsigned_integer_dtypes(),
    hnp.boolean_dtypes(),
    hnp.complex_number_dtypes(),
    st.just(np.dtype(object)),
    st.just(np.dtype("U3")),
)
shapes = st.one_of(
    hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5),
    st.tuples(st.integers(0, 6), st.just(INPUTS)),  # the right width, often enough to get past the checks
)


@st.composite
def arrays(draw):
    dtype, shape = draw(dtypes), draw(shapes)
    if dtype.kind in "OU":
        return np.array(draw(st.lists(st.integers(-3, 3), min_size=int(np.prod(shape)),
                                      max_size=int(np.prod(shape)))), dtype=dtype).reshape(shape)
    values = hnp.from_dtype(dtype, allow_nan=True, allow_infinity=True) if dtype.kind in "fc" else None
    array = draw(hnp.arrays(dtype, shape, elements=values))
    if draw(st.booleans()) and array.ndim == 2:
        array = np.asfortranarray(array)
    return array


def _finite_float32(array):
    """Whether the binding should accept these values: real numbers, finite once in float32."""
    if array.dtype.kind not in "biuf":
        return False
    with np.errstate(over="ignore"):
        return bool(np.isfinite(array.astype(np.float32)).all())


common = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@common
@given(arrays())
def test_predict(X):
    try:
        P = NET.predict(X)
    except ACCEPTABLE:
        assert not (X.ndim == 2 and X.shape[1] == INPUTS and _finite_float32(X))
        return
    assert X.ndim == 2 and X.shape[1] == INPUTS and _finite_float32(X)
    assert P.shape == (X.shape[0], OUTPUTS) and P.dtype == np.float32
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-5)


@common
@given(arrays(), arrays())
def test_evaluate(X, Y):
    try:
        result = NET.evaluate(X, Y)
    except ACCEPTABLE:
        return
    assert X.ndim == 2 and X.shape[0] > 0 and _finite_float32(X)
    accuracy = result["accuracy"]  # NaN for targets other than 0/1 labels (regression)
    assert (math.isnan(accuracy) or 0.0 <= accuracy <= 1.0) and result["cost"] >= 0.0


@common
@given(arrays(), arrays(), st.integers(-2, 5), st.floats(allow_nan=True, allow_infinity=True))
def test_fit(X, Y, batch_size, learning_rate):
    net = nerve.Network([INPUTS, 4, OUTPUTS], activations=["tanh", "softmax"], seed=0)
    try:
        history = net.fit(X, Y, epochs=2, batch_size=batch_size, learning_rate=learning_rate)
    except ACCEPTABLE + (FloatingPointError,):
        assert np.isfinite(net.predict(np.zeros((1, INPUTS)))).all()  # the network is intact
        return
    assert len(history) == 2 and batch_size >= 1 and learning_rate > 0
