"""The example notebook runs from top to bottom."""

import os

import pytest

from conftest import PACKAGE_DIR

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = PACKAGE_DIR / "examples" / "fashion_mnist.ipynb"


def test_notebook_executes(python3_kernel, monkeypatch):
    # The kernel is a child process: it finds this checkout's package through PYTHONPATH.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(PACKAGE_DIR), os.environ.get("PYTHONPATH")])))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=300, kernel_name=python3_kernel, resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    )
    client.execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    images = [output for output in outputs if "image/png" in output.get("data", {})]
    # The dense network's history and misclassified images, the convolutional network's history and filters,
    # the deep sigmoid network's gradient norms.
    assert len(images) == 5
    for cell in (4, 14):  # the evaluations of the dense and of the convolutional network
        evaluation = notebook.cells[cell].outputs[-1]["data"]["text/plain"]
        accuracy = float(evaluation.split("'accuracy':")[1].strip(" }"))
        assert accuracy > 0.8
    summary = "".join(output.get("text", "") for output in notebook.cells[12].outputs)
    assert "Conv2D 16 filters 5×5" in summary and "Total parameters" in summary
    # The vanishing gradient: ‖δ‖ grows from the first hidden layer to the last.
    printed = "".join(output.get("text", "") for output in notebook.cells[-1].outputs)
    speeds = [float(value) for value in printed.split("‖δ‖ per hidden layer:")[1].strip(" []\n").split()]
    assert len(speeds) == 4 and speeds == sorted(speeds) and speeds[0] < speeds[-1] / 10
