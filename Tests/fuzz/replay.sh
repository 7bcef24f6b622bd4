#!/bin/sh
# Runs each replay command given as an argument, shows its output, and prints the summed
# "N passed, N failed"; fails if any command failed.
passed=0
failed=0
for command in "$@"; do
    output=$($command 2>&1)
    rc=$?
    printf '%s\n' "$output" | grep -v -E '^[0-9]+ passed, [0-9]+ failed$'
    counts=$(printf '%s\n' "$output" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
    p=${counts%% passed*}
    f=${counts#*, }
    f=${f%% failed}
    [ -n "$counts" ] || { p=0; f=0; }
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "FAIL: $command exited with status $rc"
        f=1
    fi
    echo "   ${command%% *}: $p passed, $f failed"
    passed=$((passed + p))
    failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
