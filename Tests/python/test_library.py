"""Finding and loading libnerve, and the ctypes mirror of the header's structures."""

import ctypes
import inspect
import os
import re
import shutil
import subprocess
import sys
import types

import pytest

import nerve
from nerve import _lib


def _touch(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    return path


def test_environment_variable_comes_first(tmp_path):
    chosen = _touch(tmp_path / "elsewhere" / "libnerve.so")
    shipped = _touch(tmp_path / "site" / "nerve" / "lib" / "libnerve.so")
    found = _lib.find_library(package_dir=shipped.parent.parent, environ={"NERVE_LIBRARY": str(chosen)})
    assert found == str(chosen)


def test_missing_library_named_by_environment_is_an_error(tmp_path):
    _touch(tmp_path / "site" / "nerve" / "lib" / "libnerve.so")
    with pytest.raises(OSError, match="NERVE_LIBRARY"):
        _lib.find_library(package_dir=tmp_path / "site" / "nerve", environ={"NERVE_LIBRARY": str(tmp_path / "no.so")})


def test_library_shipped_in_package_beats_build_output(tmp_path):
    _touch(tmp_path / "build" / "lib" / "libnerve.so")
    shipped = _touch(tmp_path / "bindings" / "python" / "nerve" / "lib" / "libnerve.so")
    assert _lib.find_library(package_dir=shipped.parent.parent, environ={}) == str(shipped)


def test_build_output_found_by_walking_up(tmp_path):
    built = _touch(tmp_path / "build" / "lib" / "libnerve.so")
    package = tmp_path / "bindings" / "python" / "nerve"
    package.mkdir(parents=True)
    assert _lib.find_library(package_dir=package, environ={}) == str(built)


def test_system_library_path_is_the_last_resort(tmp_path, monkeypatch):
    package = tmp_path / "nerve"
    package.mkdir()
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: "libnerve.so.0" if name == "nerve" else None)
    assert _lib.find_library(package_dir=package, environ={}) == "libnerve.so.0"
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    with pytest.raises(OSError, match="not found"):
        _lib.find_library(package_dir=package, environ={})


def test_checkout_finds_its_build_without_environment(repo):
    built = repo / "build" / "lib" / "libnerve.so"
    if not built.exists():
        pytest.skip("no build output in this checkout")
    env = {key: value for key, value in os.environ.items() if key != "NERVE_LIBRARY"}
    code = f"import sys; sys.path.insert(0, {str(repo / 'bindings' / 'python')!r}); import nerve; print(nerve.library_path())"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == str(built)


def test_versions_agree_with_header(repo):
    header = (repo / "include" / "nerve.h").read_text()
    version = re.search(r'#define NERVE_VERSION_STRING "([^"]+)"', header).group(1)
    assert nerve.library_version() == version
    assert nerve.__version__ == version


def _c_offsets(tmp_path, repo, struct, fields):
    compiler = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if compiler is None:
        pytest.skip("no C compiler to read the header's layout")
    prints = "".join(f'printf("{field} %zu\\n", offsetof({struct}, {field}));' for field in fields)
    source = tmp_path / "layout.c"
    source.write_text(
        "#include <stdio.h>\n#include <stddef.h>\n#include \"nerve.h\"\n"
        f'int main(void) {{ printf("size %zu\\n", sizeof({struct})); {prints} return 0; }}\n'
    )
    binary = tmp_path / "layout"
    subprocess.run([compiler, "-I", str(repo / "include"), str(source), "-o", str(binary)], check=True)
    lines = subprocess.run([str(binary)], capture_output=True, text=True, check=True).stdout.split()
    return {name: int(value) for name, value in zip(lines[::2], lines[1::2])}


@pytest.mark.parametrize(
    "structure, c_name",
    [
        (_lib.TrainOptions, "nerve_train_options"),
        (_lib.EpochReport, "nerve_epoch_report"),
        (_lib.LayerSpec, "nerve_layer_spec"),
    ],
)
def test_structures_match_the_c_compilers_layout(tmp_path, repo, structure, c_name):
    fields = [name for name, _ in structure._fields_]
    expected = _c_offsets(tmp_path, repo, c_name, fields)
    assert ctypes.sizeof(structure) == expected.pop("size")
    assert {name: getattr(structure, name).offset for name in fields} == expected


def test_options_init_writes_the_size_we_declare():
    buffer = (ctypes.c_char * 4096)()
    _lib.lib().nerve_train_options_init(buffer)
    assert ctypes.c_uint32.from_buffer(buffer).value == ctypes.sizeof(_lib.TrainOptions)


def test_fit_defaults_are_the_librarys(repo):
    """The defaults shown in fit's signature are the ones nerve_train_options_init fills in (nerve.h)."""
    options = _lib.default_train_options()
    defaults = {name: p.default for name, p in inspect.signature(nerve.Network.fit).parameters.items()}
    assert defaults["epochs"] == options.epochs == 10
    # None: the library's 10, or every sample for the full-batch optimizer (rprop).
    assert defaults["batch_size"] is None and options.batch_size == 10
    assert options.learning_rate == pytest.approx(0.1)
    for name in ("momentum", "l2", "l1", "dropout", "lr_decay", "lr_min"):
        assert defaults[name] == getattr(options, name) == 0.0, name
    assert defaults["early_stopping"] == options.early_stopping == 0
    assert options.lr_patience == 5
    assert defaults["shuffle"] is True and options.shuffle == 1
    assert _lib.MONITORS[defaults["monitor"]] == options.monitor_training
    assert _lib.OPTIMIZERS[defaults["optimizer"]] == options.optimizer
    assert (options.adam_beta1, options.adam_beta2) == pytest.approx((0.9, 0.999))
    assert options.adam_epsilon == pytest.approx(1e-8)
    assert defaults["threads"] is None and options.threads == 0  # the network's own count


# The names the Python API has always accepted, written out here rather than read from anywhere.
EXPECTED_ENUMS = {
    "ACTIVATIONS": ["sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax", "step", "exp"],
    "COSTS": ["quadratic", "cross_entropy", "log_likelihood", "poisson"],
    "INITS": ["auto", "normalized", "large", "he", "glorot_uniform", "glorot_normal", "lecun_normal"],
    "OPTIMIZERS": ["sgd", "adam", "rprop"],
    "MONITORS": ["none", "running", "full"],
    "LAYERS": ["dense", "conv2d", "max_pool2d", "mean_pool2d"],
    "PADDINGS": ["valid", "same"],
    "BIAS_INITS": ["zero", "normal", "constant"],
    "METRICS": ["cost", "accuracy"],
    "OPTIMIZER_STATES": ["fresh", "keep", "resume"],
    "ACCURACY_RULES": ["auto", "argmax", "per_label", "none"],
}


@pytest.mark.parametrize("table", sorted(EXPECTED_ENUMS))
def test_enum_tables_read_from_the_library(table):
    assert getattr(_lib, table) == {name: value for value, name in enumerate(EXPECTED_ENUMS[table])}


def test_enum_names_and_values_round_trip():
    library = _lib.lib()
    for table, enumeration in _lib.ENUM_TABLES.items():
        for name, value in getattr(_lib, table).items():
            assert library.nerve_enum_name(enumeration, value) == name.encode()
            found = ctypes.c_int32(-1)
            assert library.nerve_enum_value(enumeration, name.encode(), ctypes.byref(found)) == _lib.OK
            assert found.value == value
        assert library.nerve_enum_name(enumeration, len(getattr(_lib, table))) is None
        assert library.nerve_enum_name(enumeration, -1) is None
        found = ctypes.c_int32(-1)
        assert library.nerve_enum_value(enumeration, b"no such name", ctypes.byref(found)) == _lib.E_INVALID
        assert found.value == -1
    assert library.nerve_enum_name(len(_lib.ENUM_TABLES), 0) is None


def test_enum_values_match_header(repo):
    header = re.sub(r"/\*.*?\*/", "", (repo / "include" / "nerve.h").read_text(), flags=re.S)

    def enum_names(prefix):
        body = re.search(r"enum (?:\w+ )?\{\s*(NERVE_%s[^}]*)\}" % prefix, header).group(1)
        return [name.split("=")[0].strip() for name in body.split(",") if name.strip()]

    def check(prefix, table):
        names = enum_names(prefix)
        # C enums without explicit values count up from 0 in declaration order.
        assert {f"NERVE_{prefix}{key.upper()}": value for key, value in table.items()} == {
            name: index for index, name in enumerate(names)
        }

    check("ACT_", _lib.ACTIVATIONS)
    check("COST_", _lib.COSTS)
    check("INIT_", _lib.INITS)
    check("OPTIMIZER_", _lib.OPTIMIZERS)
    check("MONITOR_", _lib.MONITORS)
    check("LAYER_", _lib.LAYERS)
    check("PADDING_", _lib.PADDINGS)
    check("BIAS_", _lib.BIAS_INITS)
    check("OPTIMIZER_STATE_", _lib.OPTIMIZER_STATES)
    check("ACCURACY_", _lib.ACCURACY_RULES)
    assert {f"NERVE_ENUM_{key[:-1]}": value for key, value in _lib.ENUM_TABLES.items()} == {
        name: index for index, name in enumerate(enum_names("ENUM_"))
    }
    assert int(re.search(r"#define NERVE_MAX_THREADS (\d+)", header).group(1)) == _lib.MAX_THREADS


def test_kernel():
    assert nerve.kernel() in {"avx2-fma", "generic"}
    assert "kernel" in nerve.__all__


def test_library_without_this_headers_functions_is_refused():
    old = types.SimpleNamespace(_name="old/libnerve.so", nerve_version=lambda: b"0.1.0")
    with pytest.raises(OSError, match=r"old/libnerve.so is version 0.1.0 and lacks .*nerve_kernel"):
        _lib.declare(old)


def test_status_codes_match_header(repo):
    header = re.sub(r"/\*.*?\*/", "", (repo / "include" / "nerve.h").read_text(), flags=re.S)
    body = re.search(r"typedef enum nerve_status \{([^}]*)\}", header).group(1)
    codes = dict(re.findall(r"NERVE_((?:E_)?[A-Z]+)\s*=\s*(-?\d+)", body))
    assert {"OK", "STOPPED", "E_INVALID", "E_ABORTED"} <= codes.keys() and len(codes) == 12
    for name, value in codes.items():
        assert getattr(_lib, name) == int(value), name


def test_library_path_reports_the_loaded_file():
    path = nerve.library_path()
    assert os.path.exists(path)
    if os.environ.get("NERVE_LIBRARY"):
        assert path == os.environ["NERVE_LIBRARY"]


@pytest.mark.parametrize(
    "status, cls, builtin",
    [
        (_lib.E_INVALID, nerve.NerveValueError, ValueError),
        (_lib.E_SIZE, nerve.NerveSizeError, ValueError),
        (_lib.E_UNSUPPORTED, nerve.NerveUnsupportedError, ValueError),
        (_lib.E_NOMEM, nerve.NerveMemoryError, MemoryError),
        (_lib.E_IO, nerve.NerveIOError, OSError),
        (_lib.E_FORMAT, nerve.NerveFormatError, ValueError),
        (_lib.E_BUSY, nerve.NerveBusyError, RuntimeError),
        (_lib.E_DIVERGED, nerve.NerveDivergedError, FloatingPointError),
        (_lib.E_CAPACITY, nerve.NerveCapacityError, nerve.NerveError),
        (-99, nerve.NerveError, Exception),
    ],
)
def test_every_status_has_its_exception(status, cls, builtin):
    from nerve.errors import error_for

    error = error_for(status)
    assert type(error) is cls and isinstance(error, builtin) and isinstance(error, nerve.NerveError)
    assert error.status == status and str(error) == error.message
    # With no failure on this thread yet, the message falls back to the library's name for the status; else it
    # is the last failure's, without the C function's name the library puts first.
    expected = _lib.lib().nerve_status_string(status).decode()
    last = _lib.lib().nerve_last_error().decode()
    assert error.message in (expected, last.split(": ", 1)[-1]) and not error.message.startswith("nerve_")


def test_scikit_learn_is_imported_only_on_demand(repo):
    code = (
        f"import sys; sys.path.insert(0, {str(repo / 'bindings' / 'python')!r}); import nerve; "
        "print('sklearn' in sys.modules); nerve.sklearn.MLPClassifier; print('sklearn' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "True"]
