"""Shared fixtures. The package is imported from bindings/python of this checkout, whatever else is installed."""

import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE_DIR = REPO / "bindings" / "python"
sys.path.insert(0, str(PACKAGE_DIR))

import nerve  # noqa: E402


@pytest.fixture(scope="session")
def repo():
    return REPO


@pytest.fixture
def xor():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y = np.array([0, 1, 1, 0])
    return X, y


@pytest.fixture(scope="session")
def fashion():
    """The full Fashion-MNIST as float32 in [0, 1]; tests take slices of it."""
    return nerve.datasets.load_fashion_mnist()


@pytest.fixture(scope="session")
def fashion_small(fashion):
    """2000 training and 1000 test samples: enough to learn something in well under a second."""
    (X, y), (X_test, y_test) = fashion
    return (X[:2000], y[:2000]), (X_test[:1000], y_test[:1000])


@pytest.fixture
def python3_kernel():
    """The name of a Jupyter kernel running this Python, installed for the user if none is (notebook tests)."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        pytest.importorskip("ipykernel")
        from ipykernel.kernelspec import install

        install(user=True)
    return "python3"


@pytest.fixture(scope="session", autouse=True)
def single_threaded_blas():
    """The test session, as host, runs numpy's and scipy's BLAS on one thread: on two busy cores, threads made
    scipy's L-BFGS-B bookkeeping (small vectors and 2m × 2m matrices) ten times slower. Nerve itself never
    touches this setting."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield
