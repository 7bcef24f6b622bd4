"""The notebook of the notes' chapter 3 experiments runs from top to bottom; its cells assert their claims."""

import os
import time
from pathlib import Path

import pytest

from conftest import PACKAGE_DIR

import nerve

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = PACKAGE_DIR / "examples" / "notes_experiments.ipynb"


@pytest.fixture
def fashion_mnist_files():
    directory = Path(nerve.datasets.FASHION_MNIST_DIR)
    if not all(any(directory.glob(f"{name}-images-idx3-ubyte*")) for name in ("train", "t10k")):
        pytest.skip(f"Fashion-MNIST is not in {directory} (Debian package {nerve.datasets.FASHION_MNIST_PACKAGE})")


def test_notes_notebook_executes(python3_kernel, fashion_mnist_files, monkeypatch):
    # The kernel is a child process: it finds this checkout's package through PYTHONPATH, and draws with Agg.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(PACKAGE_DIR), os.environ.get("PYTHONPATH")])))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert not [cell for cell in notebook.cells if cell.cell_type == "code" and cell.outputs], "stored with outputs"
    client = nbclient.NotebookClient(
        notebook, timeout=300, kernel_name=python3_kernel, resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    )
    started = time.monotonic()
    client.execute()  # raises CellExecutionError, naming the cell, if an assertion of the notebook fails
    seconds = time.monotonic() - started
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    outputs = [output for cell in code for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    # One figure per experiment, drawn inline.
    figures = [sum("image/png" in output.get("data", {}) for output in cell.outputs) for cell in code[1:]]
    assert figures == [1, 1, 1, 1, 1]
    printed = "".join(output.get("text", "") for output in outputs)
    for expected in ("cross-entropy", "saturated", "L2, λ = 0.1", "dropout 0.5", "η halved after epochs"):
        assert expected in printed
    # Kept small: well under a minute on two cores; the timeout above is the hard limit.
    assert seconds < 240, f"the notebook took {seconds:.0f} s"
