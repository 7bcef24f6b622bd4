#!/bin/sh
# Runs every C test step, sums the "N passed, N failed" line each step prints, and exits non-zero if any
# check failed or any step ended abnormally (a crash, a sanitizer report, a valgrind error).
# Called by `make test` with NERVE_LIB_DIR, BUILD and MAKE set.
set -u
cd "$(dirname "$0")"
BUILD=${BUILD:-build}
MAKE=${MAKE:-make}
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# step NAME COMMAND...: runs the command, shows its output, adds its counts. A step that prints no count
# line counts as one check, passed if it exited 0.
step() {
    name=$1
    shift
    echo "==== $name"
    start=$(date +%s)
    "$@" >"$log" 2>&1
    rc=$?
    cat "$log"
    counts=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
    if [ -n "$counts" ]; then
        p=${counts%% passed*}
        f=${counts#*, }
        f=${f%% failed}
    elif [ "$rc" -eq 0 ]; then
        p=1 f=0
    else
        p=0 f=0
    fi
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "FAIL $name: exited with status $rc"
        f=1
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    echo "---- $name: $p passed, $f failed ($(($(date +%s) - start)) s)"
}

# halt_on_error so a sanitizer report ends the step with a non-zero status, not just a log line.
step "API tests" "$BUILD/nerve_tests"
step "API tests under AddressSanitizer + UBSan" \
    env ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$BUILD/nerve_tests_asan"
step "thread tests under ThreadSanitizer" \
    env TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=tsan.supp "$BUILD/nerve_tests_tsan" \
    threads invariance cnn_threads batch_stop errors
step "crash-safe save (SIGKILL during saves)" "$BUILD/crash_save" 20
step "hot reload under load for 30 s, AddressSanitizer + UBSan" \
    env ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$BUILD/hot_reload_asan" 30
step "hot reload under load for 30 s, ThreadSanitizer" \
    env TSAN_OPTIONS=halt_on_error=1:suppressions=tsan.supp "$BUILD/hot_reload_tsan" 30
step "memory: resident set over 10,000 cycles" "$BUILD/leak_cycles" 10000 1024
step "memory: valgrind memcheck over 10,000 cycles" \
    valgrind -q --leak-check=full --error-exitcode=1 --suppressions=valgrind.supp "$BUILD/leak_cycles" 10000
# Plainly only, never under valgrind or a sanitizer (see unload.c).
step "load/unload: dlopen into a host without free pthread keys, dlclose cycles" \
    "$BUILD/unload" "$NERVE_LIB_DIR/libnerve.so"
step "model corpus replay" $MAKE -s -C ../fuzz replay NERVE_LIB_DIR="$NERVE_LIB_DIR"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
