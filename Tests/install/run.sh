#!/usr/bin/env bash
# Installs Nerve into a staging directory (DESTDIR) with non-default LIBDIR and PREFIX, checks what was
# installed (a stripped library with its debug information beside it, the soname, the header, nerve.pc and the
# CMake package), builds a consumer with pkg-config and one with CMake against it and runs both, checks that
# find_package refuses an incompatible version, then uninstalls and checks that nothing is left.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=$(sed -n 's/^VERSION *:= *//p' Makefile)
soname="libnerve.so.$(echo "$version" | cut -d. -f1-2)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage="$work/stage"
prefix=/opt/nerve
libdir=$prefix/lib/$(cc -dumpmachine)  # the multiarch directory, which CMake and pkg-config users expect on Debian
fail() { echo "FAIL: $*" >&2; exit 1; }
# Whether a command's output matches: the output is read whole first. `cmd | grep -q` would make cmd die of
# SIGPIPE when grep stops at the first match, which pipefail turns into a false "no match".
prints() { local pattern=$1 output; shift; output=$("$@") && grep -q -- "$pattern" <<< "$output"; }

make -s install DESTDIR="$stage" PREFIX="$prefix" LIBDIR="$libdir" > "$work/install.log"
lib="$stage$libdir/libnerve.so.$version"
[ -f "$lib" ] || fail "no $lib"
[ "$(readlink "$stage$libdir/$soname")" = "libnerve.so.$version" ] || fail "$soname does not point at the library"
[ "$(readlink "$stage$libdir/libnerve.so")" = "libnerve.so.$version" ] || fail "libnerve.so does not point at the library"
prints "SONAME.*\[$soname\]" readelf -d "$lib" || fail "the soname is not $soname"
prints '\.debug_info' readelf -S "$lib" && fail "the installed library still has debug information"
prints '\.gnu_debuglink' readelf -S "$lib" || fail "the installed library has no debug link"
prints '\.debug_info' readelf -S "$stage$libdir/.debug/libnerve.so.$version.debug" \
    || fail "the separate debug file has no debug information"
[ -f "$stage$prefix/include/nerve.h" ] || fail "no header"
echo "installed: $(du -k "$lib" | cut -f1) KiB stripped, debug information $(du -k "$stage$libdir/.debug/libnerve.so.$version.debug" | cut -f1) KiB"

# pkg-config, as a distribution's build would use it against a staged tree.
export PKG_CONFIG_PATH="$stage$libdir/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$stage"
[ "$(pkg-config --modversion nerve)" = "$version" ] || fail "pkg-config reports $(pkg-config --modversion nerve)"
# shellcheck disable=SC2046
cc -std=c99 -Wall -Werror Tests/install/consumer.c $(pkg-config --cflags --libs nerve) -o "$work/consumer_pc"
prints "NEEDED.*\[$soname\]" readelf -d "$work/consumer_pc" || fail "the consumer does not need $soname"
LD_LIBRARY_PATH="$stage$libdir" prints "^nerve $version: " "$work/consumer_pc" || fail "the pkg-config consumer did not run"
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR

# CMake: find_package(Nerve) from the staged prefix, with and without a version.
for wanted in "" "$(echo "$version" | cut -d. -f1-2)"; do
    rm -rf "$work/cmake"
    cmake -S Tests/install -B "$work/cmake" -DCMAKE_PREFIX_PATH="$stage$prefix" -DNERVE_VERSION_WANTED="$wanted" \
        > "$work/cmake.log" 2>&1 || { cat "$work/cmake.log"; fail "cmake could not configure (version '$wanted')"; }
    cmake --build "$work/cmake" > "$work/cmake-build.log" 2>&1 || { cat "$work/cmake-build.log"; fail "cmake build"; }
    prints "^nerve $version: " "$work/cmake/consumer" || fail "the CMake consumer did not run"
done
# 0.x minor releases may break the ABI: an older minor must not be accepted.
older="$(echo "$version" | cut -d. -f1).$(( $(echo "$version" | cut -d. -f2) - 1 ))"
rm -rf "$work/cmake"
if cmake -S Tests/install -B "$work/cmake" -DCMAKE_PREFIX_PATH="$stage$prefix" -DNERVE_VERSION_WANTED="$older" \
    > "$work/cmake.log" 2>&1; then
    fail "find_package(Nerve $older) accepted $version"
fi

make -s uninstall DESTDIR="$stage" PREFIX="$prefix" LIBDIR="$libdir"
left=$(find "$stage" \( -type f -o -type l \) | sed "s|^$stage||")
[ -z "$left" ] || fail "uninstall left: $left"
echo "install, pkg-config and CMake consumers, version policy, uninstall: ok"
