#!/usr/bin/env bash
# Checks the wheel `make wheel` wrote (the directory given, build/wheel by default): one manylinux wheel whose tag
# is the one `auditwheel show` finds, holding every module of the binding and a stripped library with no path into
# the build tree. Then installs it with pip, offline, into a fresh virtual environment and, from a directory far
# from the sources and without NERVE_LIBRARY, imports the installed package, checks that it loaded the library it
# carries, trains XOR to exact answers, saves and loads the network.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
python=${PYTHON:-python3}
wheel_dir=${1:-build/wheel}
version=$(sed -n 's/^version *= *"\(.*\)"/\1/p' bindings/python/pyproject.toml)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

shopt -s nullglob
wheels=("$wheel_dir"/*.whl)
[ ${#wheels[@]} = 1 ] || fail "$wheel_dir holds ${#wheels[@]} wheels, not exactly one (run make wheel)"
wheel=${wheels[0]}
name=$(basename "$wheel")
[[ $name =~ ^nerve-$version-py3-none-(manylinux_[0-9]+_[0-9]+_[a-z0-9_]+)\.whl$ ]] \
    || fail "$name is not a py3-none-manylinux wheel of nerve $version"
tag=${BASH_REMATCH[1]}

# auditwheel wraps its report; joined back into one line it names the best tag the wheel's contents allow.
report=$("$python" -m auditwheel show "$wheel" 2>&1) || fail "auditwheel show rejects $name: $report"
shown=$(echo "$report" | tr '\n' ' ' | tr -s ' ')
[[ $shown =~ consistent\ with\ the\ following\ platform\ tag:\ \"([a-z0-9_]+)\" ]] \
    || fail "auditwheel show did not name a platform tag: $shown"
[ "${BASH_REMATCH[1]}" = "$tag" ] || fail "auditwheel show says ${BASH_REMATCH[1]}, the wheel is tagged $tag"

"$python" -m zipfile -e "$wheel" "$work/unpacked"
while IFS= read -r -d '' file; do
    [ -f "$work/unpacked/${file#bindings/python/}" ] || fail "the wheel lacks ${file#bindings/python/}"
done < <(find bindings/python/nerve -name __pycache__ -prune -o -type f \( -name '*.py' -o -name py.typed \) -print0)
library="$work/unpacked/nerve/lib/libnerve.so"
[ -f "$library" ] || fail "the wheel carries no nerve/lib/libnerve.so"
[ -z "$(readelf -S "$library" | grep '\.debug_info')" ] || fail "the library in the wheel still has debug information"
if grep -rlF "$root" "$work/unpacked" > "$work/leaks"; then
    fail "files in the wheel name the build tree $root: $(tr '\n' ' ' < "$work/leaks")"
fi
# Every ELF file may look for libraries only beside itself (auditwheel's .libs directory is reached that way).
while IFS= read -r -d '' file; do
    [ "$(head -c 4 "$file" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
    readelf -d "$file" | sed -n 's/.*(\(RPATH\|RUNPATH\)).*\[\(.*\)\]/\2/p' | tr ':' '\n' | while IFS= read -r entry; do
        [[ $entry == '$ORIGIN'* ]] || fail "${file#"$work"/unpacked/} searches $entry"
    done
done < <(find "$work/unpacked" -type f -print0)
echo "wheel: $name ($(du -k "$wheel" | cut -f1) KiB), auditwheel agrees on $tag, no path into $root"

# numpy comes from the interpreter's own site-packages; nerve must come from the wheel. The interpreter's pip
# installs into the venv (--python), which spares the venv a copy of pip of its own.
"$python" -m venv --system-site-packages --without-pip "$work/venv"
"$python" -m pip --python "$work/venv/bin/python" install -q --no-index --disable-pip-version-check "$wheel"
mkdir "$work/elsewhere"
cd "$work/elsewhere"
env -u NERVE_LIBRARY -u PYTHONPATH "$work/venv/bin/python" -I - <<'EOF'
import os
import subprocess
import sysconfig
from pathlib import Path

import numpy as np

import nerve

site = Path(sysconfig.get_paths()["purelib"]).resolve()
package = Path(nerve.__file__).resolve()
library = Path(nerve.library_path()).resolve()
assert package.is_relative_to(site), f"imported {package}, not the installed package in {site}"
assert library == site / "nerve" / "lib" / "libnerve.so", f"loaded {library}, not the library in the wheel"
assert nerve.library_version().split(".")[:2] == nerve.__version__.split(".")[:2], nerve.library_version()
unresolved = [line for line in subprocess.run(["ldd", library], capture_output=True, text=True).stdout.splitlines()
              if "not found" in line]
assert not unresolved, unresolved

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
y = np.array([0, 1, 1, 0], dtype=np.float32)
net = nerve.Network([2, 8, 1], activations=["tanh", "sigmoid"], cost="cross_entropy", seed=7)
net.fit(X, y, epochs=500, batch_size=4, learning_rate=0.5, momentum=0.9)
out = net.predict(X)[:, 0]
assert np.array_equal(out > 0.5, y > 0.5), out
scores = net.evaluate(X, y)
assert scores["accuracy"] == 1.0 and scores["cost"] < 0.1, scores

net.save("xor.nerve")
loaded = nerve.load("xor.nerve")
assert loaded.sizes == [2, 8, 1], loaded.sizes
assert np.array_equal(loaded.predict(X)[:, 0], out), "the loaded network answers differently"
print(f"installed nerve {nerve.__version__} loaded {library.relative_to(site)} from the venv;"
      f" XOR outputs {', '.join(f'{v:.3f}' for v in out)}, cost {scores['cost']:.4f}; save and load: ok")
EOF

# NERVE_LIBRARY still overrides the library in the package, and a wrong one is reported, not replaced.
if NERVE_LIBRARY="$work/missing/libnerve.so" "$work/venv/bin/python" -I -c 'import nerve; nerve.library_path()' \
    2> "$work/override.log"; then
    fail "NERVE_LIBRARY pointing at a missing file was ignored"
fi
grep -q "NERVE_LIBRARY=$work/missing/libnerve.so does not exist" "$work/override.log" \
    || fail "unexpected error for a missing NERVE_LIBRARY: $(tail -1 "$work/override.log")"
echo "wheel install, import, XOR training, save/load, NERVE_LIBRARY override: ok"
