"""Model file paths: str, bytes and os.PathLike all name files, as bytes used as given (names that are not
UTF-8 included)."""

import os
import pathlib

import numpy as np
import pytest

import nerve

NAME_E8 = b"mod\xe8le.nerve"  # "modèle" in Latin-1: not UTF-8
NAME_E9 = b"mod\xe9le.nerve"


class FsPath:
    """A minimal os.PathLike that is neither str nor pathlib."""

    def __init__(self, path):
        self._path = path

    def __fspath__(self):
        return self._path


@pytest.fixture
def nets():
    return nerve.Network([3, 4, 2], seed=1), nerve.Network([3, 6, 2], seed=2)


def _same(a, b):
    assert a.to_bytes() == b.to_bytes()


@pytest.fixture
def bytes_dir(tmp_path):
    return os.fsencode(tmp_path)


@pytest.mark.parametrize(
    "make_path",
    [
        pytest.param(lambda d, name: os.path.join(os.fsdecode(d), name), id="str"),
        pytest.param(lambda d, name: os.path.join(d, os.fsencode(name)), id="bytes"),
        pytest.param(lambda d, name: pathlib.Path(os.fsdecode(d)) / name, id="pathlib"),
        pytest.param(lambda d, name: FsPath(os.path.join(os.fsdecode(d), name)), id="PathLike-str"),
        pytest.param(lambda d, name: FsPath(os.path.join(d, os.fsencode(name))), id="PathLike-bytes"),
    ],
)
def test_every_kind_of_path_saves_and_loads(bytes_dir, nets, make_path):
    a, _ = nets
    path = make_path(bytes_dir, "model.nerve")
    a.save(path)
    assert os.listdir(bytes_dir) == [b"model.nerve"]
    _same(nerve.load(path), a)
    _same(nerve.load(make_path(bytes_dir, "model.nerve")), a)


def test_names_that_are_not_utf8_stay_distinct(bytes_dir, nets):
    a, b = nets
    escaped = os.path.join(os.fsdecode(bytes_dir), os.fsdecode(NAME_E8))  # str with a surrogate escape
    assert "\udce8" in escaped
    a.save(escaped)
    b.save(os.path.join(bytes_dir, NAME_E9))
    assert sorted(os.listdir(bytes_dir)) == [NAME_E8, NAME_E9]
    assert (pathlib.Path(os.fsdecode(bytes_dir)) / os.fsdecode(NAME_E8)).read_bytes() == a.to_bytes()
    assert (pathlib.Path(os.fsdecode(bytes_dir)) / os.fsdecode(NAME_E9)).read_bytes() == b.to_bytes()

    # The surrogate-escaped str and the bytes name the same file; the other byte names the other file.
    _same(nerve.load(os.path.join(bytes_dir, NAME_E8)), a)
    _same(nerve.load(escaped), a)
    _same(nerve.load(pathlib.Path(escaped)), a)
    _same(nerve.load(os.path.join(bytes_dir, NAME_E9)), b)
    _same(nerve.load(FsPath(os.path.join(bytes_dir, NAME_E9))), b)

    # Saving through the bytes name replaces the file the str named, and only that one.
    b.save(os.path.join(bytes_dir, NAME_E8))
    assert sorted(os.listdir(bytes_dir)) == [NAME_E8, NAME_E9]
    _same(nerve.load(escaped), b)


def test_a_directory_whose_name_is_not_utf8(bytes_dir, nets):
    a, _ = nets
    sub = os.path.join(bytes_dir, b"d\xe8")
    os.mkdir(sub)
    a.save(pathlib.Path(os.fsdecode(sub)) / "model.nerve")
    assert os.listdir(sub) == [b"model.nerve"]
    _same(nerve.load(os.path.join(sub, b"model.nerve")), a)


def test_paths_that_are_not_paths_are_refused(nets):
    a, _ = nets
    for bad in [None, 3, 2.5, ["model.nerve"]]:
        with pytest.raises(TypeError):
            a.save(bad)
        with pytest.raises(TypeError):
            nerve.load(bad)


def test_embedded_nul_is_refused(tmp_path, nets):
    # As open() does: a NUL cannot be part of a file name, so the path is refused rather than cut short.
    a, _ = nets
    for path in [str(tmp_path / "mod\0el.nerve"), os.fsencode(tmp_path / "mod") + b"\0el.nerve"]:
        with pytest.raises(ValueError):
            a.save(path)
        with pytest.raises(ValueError):
            nerve.load(path)
    assert os.listdir(tmp_path) == []


def test_a_loaded_model_predicts_like_the_saved_one(tmp_path, nets):
    a, _ = nets
    a.save(tmp_path / os.fsdecode(NAME_E8))
    x = np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32)
    np.testing.assert_array_equal(nerve.load(tmp_path / os.fsdecode(NAME_E8)).predict(x), a.predict(x))
