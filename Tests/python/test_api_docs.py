"""The public API is discoverable: every public name is documented in numpydoc form, and the package types
check under mypy --strict."""

import importlib
import inspect
import pkgutil
import re
import shutil
import subprocess
import sys
import tempfile

import pytest

import nerve

PACKAGE = nerve.__path__[0]
# Modules whose optional dependencies may be missing; they are checked when they import.
OPTIONAL = {"nerve.distributed", "nerve.onnx", "nerve.live_plot", "nerve.sklearn"}


def _public_modules():
    modules = [nerve]
    for info in pkgutil.iter_modules(nerve.__path__):
        if info.name.startswith("_"):
            continue
        name = f"nerve.{info.name}"
        try:
            modules.append(importlib.import_module(name))
        except ImportError:
            if name not in OPTIONAL:
                raise
    return modules


def _parameters(obj):
    """The parameter names a caller passes (self, cls, *args and **kwargs aside), or None if unknown."""
    target = obj.__init__ if inspect.isclass(obj) else obj
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError):
        return None
    skipped = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    return [p.name for p in signature.parameters.values() if p.name not in ("self", "cls") and p.kind not in skipped]


def _section(doc, title):
    """The lines of a numpydoc section, or None if the docstring has no such section."""
    lines = inspect.cleandoc(doc).splitlines()
    for index, line in enumerate(lines[:-1]):
        if line.strip() == title and re.fullmatch(r"-{3,}", lines[index + 1].strip()):
            body = []
            for following in lines[index + 2:]:
                if following and not following.startswith(" ") and body and body[-1] == "":
                    break
                body.append(following)
            return body
    return None


def _documented_names(section):
    """Parameter names of a Parameters section: "a : int" and "a, b : float" lines."""
    names = set()
    for line in section:
        if line and not line.startswith(" "):
            head = line.split(" : ")[0]
            names.update(name.strip() for name in head.split(","))
    return names


def _own_init_takes_parameters(cls):
    """Whether the class's docstring owes a Parameters section: its constructor is its own or a private base's
    (exception subclasses take a public base's, documented there)."""
    for klass in cls.__mro__:
        if "__init__" in vars(klass) or "__new__" in vars(klass):
            return klass is cls or klass.__name__.startswith("_")
    return False


def _public_members(cls):
    for name, member in inspect.getmembers(cls):
        if name.startswith("_"):
            continue
        if isinstance(inspect.getattr_static(cls, name), property) or inspect.isfunction(member) or inspect.ismethod(
            member
        ):
            yield name, member


def _api():
    """(qualified name, object) for every public name of every public module and the members of public classes."""
    seen = set()
    for module in _public_modules():
        exported = getattr(module, "__all__", None)
        assert exported is not None, f"{module.__name__} has no __all__"
        for name in exported:
            obj = getattr(module, name)
            if inspect.ismodule(obj) or not (callable(obj) or isinstance(obj, property)):
                continue
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            yield f"{module.__name__}.{name}", obj
            if inspect.isclass(obj):
                for member_name, member in _public_members(obj):
                    origin = getattr(member, "__module__", None) or getattr(
                        getattr(member, "fget", None), "__module__", ""
                    )
                    if not (origin or "").startswith("nerve"):
                        continue  # inherited from numpy, tuple, dict or scikit-learn, documented there
                    yield f"{module.__name__}.{name}.{member_name}", member


API = list(_api())


def test_the_walk_covers_the_api():
    names = {name for name, _ in API}
    for expected in ("nerve.Network", "nerve.Network.fit", "nerve.Network.summary", "nerve.Network.threads",
                     "nerve.History", "nerve.datasets.load_digits", "nerve.check_gradient", "nerve.Conv2D",
                     "nerve.network2.load"):
        assert expected in names
    assert len(names) > 60


@pytest.mark.parametrize("name, obj", API, ids=[name for name, _ in API])
def test_documented(name, obj):
    doc = obj.__doc__ if not isinstance(obj, property) else obj.fget.__doc__
    assert doc and doc.strip(), f"{name} has no docstring"
    if isinstance(obj, property):
        return  # numpydoc describes a property in its first line ("type : what")
    parameters = _parameters(obj)
    if inspect.isclass(obj) and not _own_init_takes_parameters(obj):
        return
    if parameters:
        section = _section(doc, "Parameters")
        assert section is not None, f"{name} takes {parameters} but its docstring has no Parameters section"
        missing = set(parameters) - _documented_names(section)
        assert not missing, f"{name}'s Parameters section leaves out {sorted(missing)}"


def test_only_public_names_are_exported():
    for module in _public_modules():
        for name in module.__all__:
            assert not name.startswith("_"), f"{module.__name__}.__all__ exports {name}"
    assert not any(name.startswith("_") or name in ("errors", "layers", "network", "history") for name in dir(nerve)
                   if name not in ("__version__",))
    assert "sklearn" in dir(nerve)


def test_reprs_say_what_a_network_and_a_history_are():
    net = nerve.Network([3, 4, 2], activations=["tanh", "softmax"])
    assert repr(net) == "Network([3, 4, 2], activations=['tanh', 'softmax'], cost='log_likelihood')"
    history = nerve.History()
    assert repr(history) == "History(0 epochs)"
    history.append(nerve.Epoch(1, 0.5, 0.75, float("nan"), float("nan"), 0.1, 0.1))
    history.append(nerve.Epoch(2, 0.25, 0.875, 0.3, 0.8, 0.1, 0.1))
    assert repr(history) == (
        "History(2 epochs; last: train_cost=0.25, train_accuracy=0.875, eval_cost=0.3, eval_accuracy=0.8)"
    )


def test_summary_lists_layers_shapes_and_parameter_counts():
    net = nerve.Network(input_shape=(1, 8, 8), layers=[nerve.Conv2D(4, 3, activation="relu"), nerve.MaxPool2D(2),
                                                         nerve.Dense(10, activation="softmax")])
    lines = net.summary().splitlines()
    # 4 filters of 1×3×3 weights and a bias: 40; 6×6 → 3×3 pooling: 0; 4·3·3 = 36 inputs × 10 + 10: 370.
    assert lines[0].split() == ["Layer", "Output", "shape", "Parameters"]
    assert lines[2].split() == ["Input", "(1,", "8,", "8)"]
    assert lines[3].startswith("Conv2D 4 filters 3×3") and lines[3].split()[-4:] == ["(4,", "6,", "6)", "40"]
    assert lines[4].startswith("MaxPool2D 2×2") and lines[4].split()[-4:] == ["(4,", "3,", "3)", "0"]
    assert lines[5].startswith("Dense 10, softmax") and lines[5].split()[-2:] == ["(10,)", "370"]
    assert "Total parameters: 410" in lines and lines[-1] == "Cost: log_likelihood"


def test_mypy_strict_passes():
    if shutil.which("mypy") is None and importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (make deps installs it)")
    package_root = nerve.__path__[0].rsplit("/", 1)[0]
    # A cache outside the tree keeps the checkout clean and later runs quick.
    cache = f"{tempfile.gettempdir()}/nerve-mypy-cache"
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", cache, "--config-file",
         f"{package_root}/pyproject.toml", PACKAGE],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
