"""Installs the libraries the benchmark compares Nerve with, where missing, and records in a JSON file why a
peer could not be installed (run.py then prints the reason in place of its figures).

    python3 install_peers.py build/peers.json

- FANN 2.2 from Debian's libfann-dev.
- OpenBLAS from Debian's libopenblas-dev, for sgemm_floor's measure of what sgemm achieves on this machine
  (Nerve itself does not use it).
- scikit-learn from PyPI.
- threadpoolctl from PyPI, with which the Python peers report the BLAS kernels and thread counts they run.
- PyTorch only as a CPU-only build. PyPI's default Linux wheel of torch depends on a dozen CUDA packages of
  several GB in all; when the package index offers a "+cpu" build (e.g. through a configured find-links
  directory) that one is used, otherwise torch is skipped rather than downloading the CUDA stack.
"""

import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile

PIP = [sys.executable, "-m", "pip"]


def installed(module):
    return importlib.util.find_spec(module) is not None


def apt_install(package, *headers):
    """Installs a Debian package unless one of the headers it provides is already there."""
    if any(os.path.exists(header) for header in headers):
        return None
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", package], env=env).returncode != 0:
        return f"apt-get install {package} failed"
    return None


def install_fann():
    return apt_install("libfann-dev", "/usr/include/floatfann.h")


def install_openblas():
    return apt_install("libopenblas-dev", "/usr/include/x86_64-linux-gnu/cblas.h", "/usr/include/cblas.h")


def pip_install(module, package):
    if installed(module):
        return None
    if subprocess.run(PIP + ["install", "-q", package]).returncode != 0:
        return f"pip install {package} failed"
    return None


def install_scikit_learn():
    return pip_install("sklearn", "scikit-learn")


def install_threadpoolctl():
    return pip_install("threadpoolctl", "threadpoolctl")


def _plan(requirement):
    """The distributions pip would install for requirement (names), without installing anything."""
    with tempfile.TemporaryDirectory() as directory:
        report_path = os.path.join(directory, "report.json")
        done = subprocess.run(PIP + ["install", "--dry-run", "-q", "--report", report_path, requirement],
                              capture_output=True, text=True)
        if done.returncode != 0:
            return None
        with open(report_path) as f:
            return [item["metadata"]["name"].lower() for item in json.load(f)["install"]]


def _cpu_build_version():
    done = subprocess.run(PIP + ["index", "versions", "torch"], capture_output=True, text=True)
    match = re.search(r"Available versions: (.*)", done.stdout)
    if not match:
        return None
    cpu_builds = [v.strip() for v in match.group(1).split(",") if v.strip().endswith("+cpu")]
    return cpu_builds[0] if cpu_builds else None  # pip lists newest first


def install_torch():
    if installed("torch"):
        return None
    cpu_version = _cpu_build_version()
    requirement = f"torch=={cpu_version}" if cpu_version else "torch"
    plan = _plan(requirement)
    if plan is None:
        return "pip cannot resolve torch here"
    gpu_packages = [name for name in plan if name.startswith(("nvidia-", "cuda-", "triton"))]
    if gpu_packages:
        return (f"only a CUDA build of torch is available from the package index; it would pull "
                f"{len(gpu_packages)} CUDA packages ({', '.join(sorted(gpu_packages)[:3])}, ...) of several GB")
    if subprocess.run(PIP + ["install", "-q", requirement]).returncode != 0:
        return f"pip install {requirement} failed"
    return None


def main():
    status_path = sys.argv[1] if len(sys.argv) > 1 else "peers.json"
    reasons = {"fann": install_fann(), "openblas": install_openblas(), "sklearn": install_scikit_learn(),
               "threadpoolctl": install_threadpoolctl(), "torch": install_torch()}
    for name, reason in reasons.items():
        print(f"{name}: {'ready' if reason is None else reason}", file=sys.stderr)
    os.makedirs(os.path.dirname(os.path.abspath(status_path)), exist_ok=True)
    with open(status_path, "w") as f:
        json.dump({name: reason for name, reason in reasons.items() if reason}, f, indent=1)


if __name__ == "__main__":
    main()
