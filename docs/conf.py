"""Sphinx configuration of Nerve's reference: `make docs` builds it into build/docs with warnings as errors."""

import re
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bindings" / "python"))  # `import nerve` from the tree (it loads NERVE_LIBRARY)
sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "Nerve"
author = "The Nerve authors"
copyright = "Nerve authors"
release = re.search(r'#define NERVE_VERSION_STRING "([^"]+)"', (ROOT / "include" / "nerve.h").read_text()).group(1)
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "numpydoc",  # numpydoc-style docstrings; parameter types stay text, so nitpicky checks only real references
    "myst_nb",  # the example notebook, rendered as stored
    "python_api",  # docs/_ext: the Python reference from the modules' __all__
    "c_header",  # docs/_ext: the C reference from include/nerve.h
]

# Every module of the Python reference; "?" marks one that may not exist yet (it then gets a note).
# Modules in nerve.__all__ and public submodules with an __all__ are added when missing here.
nerve_python_modules = [
    "nerve",
    "nerve.datasets",
    "nerve.sklearn",
    "nerve.gradients",
    "nerve.distributed",
    "nerve.network2",
    "nerve.onnx?",
    "nerve.live_plot?",
]

exclude_patterns = ["_build", "**/.ipynb_checkpoints", "_ext"]
root_doc = "index"
nitpicky = True
# Without network access there is no intersphinx: references into other projects' documentation (numpy, the
# standard library, scikit-learn, mpi4py, ctypes) and the C standard types cannot resolve, so they are not
# checked. References to Nerve's own objects are.
nitpick_ignore_regex = [
    ("py:.*", r"(numpy|np|npt|numpy\.typing|ctypes|sklearn|scipy|mpi4py|MPI|matplotlib|pandas|dask|tqdm|onnx|onnxruntime)(\..*)?"),
    ("py:.*", r"(os|pathlib|io|typing|collections|collections\.abc|types|enum|dataclasses|contextlib|abc)\..*"),
    ("c:identifier", r"u?int(8|16|32|64)_t|size_t|ptrdiff_t|FILE"),
    # The ctypes mirror of nerve_train_options, which Coordinator.configure fills in: private on purpose.
    ("py:class", r"nerve\._lib\.TrainOptions"),
]

autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "signature"
autodoc_class_signature = "separated"
autodoc_inherit_docstrings = False
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True

nb_execution_mode = "off"  # shown as stored; Tests/python/test_notebook.py runs it
nb_merge_streams = True
myst_heading_anchors = 3
suppress_warnings = ["myst.domains"]

html_theme = "alabaster"
html_title = f"Nerve {release}"
html_static_path = []
html_show_sourcelink = False
html_theme_options = {"description": "Feedforward neural networks: a Swift core, a C ABI, Python.", "nosidebar": False}

def _docstring_warnings(app):
    """numpydoc reports docstring problems (an unknown section, a bad underline) with Python's warnings module,
    which Sphinx does not see; route them to Sphinx's log so that -W makes them errors."""
    from sphinx.util import logging

    logger = logging.getLogger("numpydoc")
    previous = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if "numpydoc" in str(filename) or "docscrape" in str(filename):
            logger.warning("%s", message, type="numpydoc")
        else:
            previous(message, category, filename, lineno, file, line)

    warnings.showwarning = show
    warnings.filterwarnings("always", category=UserWarning, module=r"numpydoc(\..*)?")


def setup(app):
    app.connect("builder-inited", _docstring_warnings)
