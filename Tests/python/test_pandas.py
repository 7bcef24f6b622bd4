"""pandas inputs: nullable dtypes and one-column label frames accepted as scikit-learn accepts them, missing
values refused with a message naming the argument."""

import numpy as np
import pytest

import nerve

pd = pytest.importorskip("pandas")

FEATURES = np.array([[0, 0], [0, 1], [1, 0], [1, 1], [2, 1], [1, 2]])
LABELS = np.array([0, 1, 1, 0, 2, 2])


def _frame():
    """Int64, Float64 and boolean columns (what convert_dtypes gives) and an Int64 label column."""
    frame = pd.DataFrame({"a": FEATURES[:, 0], "b": FEATURES[:, 1] + 0.5, "target": LABELS})
    frame["flag"] = frame["a"] > 0
    frame = frame.convert_dtypes()
    assert [str(dtype) for dtype in frame.dtypes] == ["Int64", "Float64", "Int64", "boolean"]
    return frame


def _net():
    return nerve.Network([3, 4, 3], activations=["tanh", "softmax"], seed=0)


def _numpy_inputs():
    return np.column_stack([FEATURES[:, 0], FEATURES[:, 1] + 0.5, FEATURES[:, 0] > 0]).astype(np.float32)


def test_nullable_frames_train_like_the_same_numpy_arrays():
    frame = _frame()
    X, y = frame[["a", "b", "flag"]], frame[["target"]]
    from_pandas, from_numpy = _net(), _net()
    from_pandas.fit(X, y, epochs=3, batch_size=2, shuffle=False)
    from_numpy.fit(_numpy_inputs(), LABELS, epochs=3, batch_size=2, shuffle=False)
    np.testing.assert_array_equal(from_pandas.get_parameters(), from_numpy.get_parameters())
    np.testing.assert_array_equal(from_pandas.predict(X), from_numpy.predict(_numpy_inputs()))
    assert from_pandas.evaluate(X, frame["target"]) == from_numpy.evaluate(_numpy_inputs(), LABELS)
    # A one-column label frame is the labels, as a 1-D Series is.
    assert from_pandas.evaluate(X, y) == from_numpy.evaluate(_numpy_inputs(), LABELS)


@pytest.mark.parametrize("column", ["a", "b", "flag"])
def test_missing_values_are_refused_naming_the_argument(column):
    frame = _frame()
    frame.loc[2, column] = pd.NA
    with pytest.raises(ValueError, match=r"X contains 1 missing value \(pandas NA or NaN\)"):
        _net().predict(frame[["a", "b", "flag"]])
    with pytest.raises(ValueError, match=r"validation X contains 1 missing value"):
        _net().fit(_numpy_inputs(), LABELS, epochs=1, validation_data=(frame[["a", "b", "flag"]], LABELS))


def test_missing_labels_are_refused():
    frame = _frame()
    frame.loc[0, "target"] = pd.NA
    with pytest.raises(ValueError, match=r"Y contains 1 missing value"):
        _net().fit(_numpy_inputs(), frame["target"], epochs=1)


def test_text_columns_are_refused_by_type():
    frame = pd.DataFrame({"a": ["x", "y"], "b": [1, 2], "c": [0.5, 1.5]})
    with pytest.raises(TypeError, match="X must hold real numbers"):
        _net().predict(frame)


def test_estimators_accept_nullable_frames_and_label_frames():
    from sklearn.exceptions import DataConversionWarning

    from nerve.sklearn import MLPClassifier

    frame = _frame()
    X = frame[["a", "b", "flag"]]
    model = MLPClassifier(hidden_layer_sizes=(4,), max_iter=3, random_state=0)
    with pytest.warns(DataConversionWarning):  # scikit-learn's own warning for a column vector y
        model.fit(X, frame[["target"]])
    reference = MLPClassifier(hidden_layer_sizes=(4,), max_iter=3, random_state=0).fit(_numpy_inputs(), LABELS)
    np.testing.assert_array_equal(model.predict_proba(X), reference.predict_proba(_numpy_inputs()))
    assert list(model.classes_) == [0, 1, 2]
