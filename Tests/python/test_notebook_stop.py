"""In a real Jupyter kernel: the stop button (an interrupt of the kernel) ends a long fit within a mini-batch,
and progress="plot" keeps one figure, redrawn in place, with a point per epoch and curve."""

import asyncio
import json
import os
import threading
import time

import pytest

from conftest import PACKAGE_DIR

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

SETUP = """
import json, time
import numpy as np
import nerve

rng = np.random.default_rng(5)
X = rng.random(size=(3000, 784), dtype=np.float32)
y = rng.integers(0, 10, size=3000)
net = nerve.Network([784, 2048, 2048, 10], activations=["relu", "relu", "softmax"], seed=5)
start = net.get_parameters()
began = time.monotonic()
net.fit(X[:50], y[:50], epochs=1, batch_size=1, learning_rate=0.001, monitor="none")
batch = (time.monotonic() - began) / 50
net.set_parameters(start)
interrupted = False
"""

# The cell catches KeyboardInterrupt as a notebook's own loop would: left uncaught, IPython's rendering of the
# traceback adds most of a second (measured here) that is not training's.
LONG_FIT = """
try:
    net.fit(X, y, epochs=2, batch_size=1, learning_rate=0.001)
except KeyboardInterrupt:
    interrupted = True
finally:
    print(json.dumps({"batch": batch, "returned": time.monotonic(), "interrupted": interrupted,
                      "history": len(net.history), "stopped": net.history.stopped,
                      "changed": bool((net.get_parameters() != start).any())}))
"""

PLOT = """
import matplotlib
matplotlib.use("Agg")
from nerve import live_plot

points = []  # after each redraw: the number of points of every curve
redraw = live_plot.LivePlot.update
def counting_update(self, epoch):
    redraw(self, epoch)
    points.append([len(line.get_xdata()) for axes in self.figure.axes for line in axes.lines])
live_plot.LivePlot.update = counting_update

small = nerve.Network([784, 16, 10], activations=["relu", "softmax"], seed=6)
small.fit(X[:500], y[:500], epochs=4, batch_size=50, validation_data=(X[500:700], y[500:700]), progress="plot")
print(json.dumps(points))
"""


@pytest.fixture
def notebook_client(monkeypatch):
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        from ipykernel.kernelspec import install

        install(user=True)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(PACKAGE_DIR), os.environ.get("PYTHONPATH")])))
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in (SETUP, LONG_FIT, PLOT)]
    )
    client = nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=True)
    with client.setup_kernel():
        yield client, notebook


def printed(cell):
    return "".join(output.get("text", "") for output in cell.outputs if output.output_type == "stream")


def test_stop_button_ends_a_long_fit_within_a_batch(notebook_client):
    client, notebook = notebook_client
    client.execute_cell(notebook.cells[0], 0)
    sent = []

    def press_stop():
        time.sleep(2)
        sent.append(time.monotonic())
        asyncio.run(client.km.interrupt_kernel())  # the notebook client's manager is asynchronous

    presser = threading.Thread(target=press_stop)
    presser.start()
    client.execute_cell(notebook.cells[1], 1)
    finished = time.monotonic()
    presser.join()
    report = json.loads(printed(notebook.cells[1]).strip().splitlines()[-1])
    print(f"batch {report['batch'] * 1e3:.1f} ms; fit returned {(report['returned'] - sent[0]) * 1e3:.0f} ms and the cell finished {(finished - sent[0]) * 1e3:.0f} ms after the stop")
    assert report["interrupted"]
    assert report["batch"] * 3000 > 5  # an epoch takes longer than the 2 s before the stop
    assert finished - sent[0] <= 0.2 + report["batch"]
    assert report["history"] == 0 and report["stopped"] and report["changed"]

    # progress="plot", in the same kernel: one image, redrawn in place, a point per epoch on each curve.
    client.execute_cell(notebook.cells[2], 2)
    outputs = notebook.cells[2].outputs
    assert not [output for output in outputs if output.output_type == "error"], outputs
    images = [output for output in outputs if "image/png" in output.get("data", {})]
    assert len(images) == 1
    points = json.loads(printed(notebook.cells[2]).strip().splitlines()[-1])
    # cost: training, validation; accuracy: training, validation
    assert points == [[k, k, k, k] for k in range(1, 5)]
