"""The header as an FFI generator reads it: preprocessed by the C compiler and fed to cffi's cdef as it comes out,
with no filtering. cffi then lays out the structs itself (checked against the C compiler's own offsets) and calls
the library through the declarations alone."""

import os
import shutil
import subprocess

import numpy as np
import pytest

cffi = pytest.importorskip("cffi", reason="cffi is not installed")

import nerve  # noqa: E402  (the library the rest of the suite uses)

STRUCTS = {
    "nerve_layer_spec": ["kind", "activation"],
    "nerve_epoch_report": ["epoch", "seconds", "learning_rate"],
    "nerve_step": ["epoch", "rows"],
    "nerve_train_options": ["struct_size", "progress", "threads", "gradient_hook", "regularization_n"],
    "nerve_error": ["status", "length", "message"],
}


def compiler():
    found = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc") or shutil.which("clang")
    if not found:
        pytest.skip("no C compiler to preprocess the header")
    return found


@pytest.fixture(scope="module")
def header(repo):
    return repo / "include" / "nerve.h"


@pytest.fixture(scope="module")
def ffi(header):
    preprocessed = subprocess.run([compiler(), "-E", "-P", str(header)], check=True, capture_output=True,
                                  text=True).stdout
    ffi = cffi.FFI()
    ffi.cdef(preprocessed)
    return ffi


@pytest.fixture(scope="module")
def lib(ffi):
    return ffi.dlopen(nerve.library_path())


def c_layout(header, tmp_path):
    """sizeof and offsetof as the C compiler sees them."""
    lines = ['#include <stddef.h>', '#include <stdio.h>', f'#include "{header}"', "int main(void) {"]
    for struct, fields in STRUCTS.items():
        lines.append(f'printf("{struct} %zu\\n", sizeof({struct}));')
        lines += [f'printf("{struct}.{f} %zu\\n", offsetof({struct}, {f}));' for f in fields]
    lines += ["return 0; }"]
    source, program = tmp_path / "layout.c", tmp_path / "layout"
    source.write_text("\n".join(lines))
    subprocess.run([compiler(), "-std=c99", str(source), "-o", str(program)], check=True)
    out = subprocess.run([str(program)], check=True, capture_output=True, text=True).stdout
    return dict(line.rsplit(" ", 1) for line in out.splitlines())


def test_cffi_lays_out_every_public_struct_as_the_compiler_does(ffi, header, tmp_path):
    expected = c_layout(header, tmp_path)
    for struct, fields in STRUCTS.items():
        assert ffi.sizeof(struct) == int(expected[struct]), struct
        for field in fields:
            assert ffi.offsetof(struct, field) == int(expected[f"{struct}.{field}"]), f"{struct}.{field}"


def test_status_codes_and_enums_are_named_types(ffi, lib):
    assert lib.NERVE_OK == 0 and lib.NERVE_E_INVALID == -1 and lib.NERVE_E_ABORTED == -10
    assert ffi.typeof("nerve_status") is ffi.typeof("enum nerve_status")
    # A signed enum: -1 survives a round trip through the type.
    assert int(ffi.cast("nerve_status", -1)) == -1
    assert lib.NERVE_COST_LOG_LIKELIHOOD == 2 and lib.NERVE_ACT_STEP == 6 and lib.NERVE_PADDING_SAME == 1


def test_a_failing_twin_returns_its_own_message(ffi, lib):
    net = ffi.new("nerve_net **")
    sizes = ffi.new("int32_t[]", [2, 3, 1])
    activations = ffi.new("int32_t[]", [lib.NERVE_ACT_TANH, lib.NERVE_ACT_SIGMOID])
    error = ffi.new("nerve_error *")
    assert lib.nerve_create_r(net, sizes, 3, activations, lib.NERVE_COST_CROSS_ENTROPY, 5, error) == lib.NERVE_OK
    assert error.status == lib.NERVE_OK and error.length == 0
    try:
        x = ffi.new("float[]", [0.0, 1.0] * 3)
        out = ffi.new("float[]", 3)
        status = lib.nerve_predict_r(net[0], x, 3, out, 2, error)
        assert status == lib.NERVE_E_CAPACITY == error.status
        message = ffi.string(error.message).decode()
        assert len(message.encode()) == error.length
        assert "3" in message and "2" in message  # the floats needed and the capacity given
    finally:
        lib.nerve_free(net[0])


def test_xor_trains_through_the_declarations_alone(ffi, lib):
    net = ffi.new("nerve_net **")
    assert lib.nerve_create(net, ffi.new("int32_t[]", [2, 4, 1]), 3,
                            ffi.new("int32_t[]", [lib.NERVE_ACT_TANH, lib.NERVE_ACT_SIGMOID]),
                            lib.NERVE_COST_CROSS_ENTROPY, 3) == lib.NERVE_OK
    try:
        options = ffi.new("nerve_train_options *")
        lib.nerve_train_options_init(options)
        options.epochs, options.batch_size, options.learning_rate, options.shuffle = 2000, 4, 2.0, 0
        x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
        y = np.array([[0], [1], [1], [0]], dtype=np.float32)
        as_floats = lambda a: ffi.cast("float *", ffi.from_buffer(a))  # noqa: E731
        assert lib.nerve_train(net[0], as_floats(x), as_floats(y), 4, ffi.NULL, ffi.NULL, 0, options) == lib.NERVE_OK
        out = np.zeros(4, dtype=np.float32)
        assert lib.nerve_predict(net[0], as_floats(x), 4, as_floats(out), 4) == lib.NERVE_OK
        assert list(out > 0.5) == [False, True, True, False], out
    finally:
        lib.nerve_free(net[0])
