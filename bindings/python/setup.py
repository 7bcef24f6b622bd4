"""Ships libnerve.so inside the package when one is available at build time.

The library is taken from NERVE_LIB_DIR if set, else from the build/lib directory of the source tree this
package sits in (`make build` puts it there). Without either, the package is built without it and finds the
library at run time instead (NERVE_LIBRARY or the system's library path).

With the library inside, the wheel is tagged py3-none-<platform>: the binding is plain Python and loads the
library through ctypes, so any Python 3 on that platform can use it, but no other platform can. `make wheel`
then lets auditwheel turn the platform tag into a manylinux one.
"""

import os
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70.1 has it in the separate `wheel` package
    from wheel.bdist_wheel import bdist_wheel

HERE = Path(__file__).resolve().parent
LIBRARY = "libnerve.so"


def built_library():
    directories = [Path(os.environ["NERVE_LIB_DIR"])] if os.environ.get("NERVE_LIB_DIR") else []
    directories += [parent / "build" / "lib" for parent in HERE.parents]
    for directory in directories:
        if (directory / LIBRARY).exists():
            return (directory / LIBRARY).resolve()
    return None


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        library = built_library()
        if library is not None:
            target = Path(self.build_lib) / "nerve" / "lib" / LIBRARY
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(library, target)
            os.chmod(target, 0o755)


class PlatformDistribution(Distribution):
    # A wheel holding a shared library is specific to its platform.
    def has_ext_modules(self):
        return built_library() is not None


class PythonIndependentWheel(bdist_wheel):
    # No extension module is compiled against the interpreter, so the wheel fits every Python 3 (the default for
    # a platform wheel would be cp3XX-cp3XX-<platform>, one wheel per Python version).
    def get_tag(self):
        python, abi, platform = super().get_tag()
        if platform == "any":
            return python, abi, platform
        return "py3", "none", platform


setup(
    cmdclass={"build_py": BuildWithLibrary, "bdist_wheel": PythonIndependentWheel},
    distclass=PlatformDistribution,
)
