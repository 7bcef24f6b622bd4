#!/usr/bin/env bash
# nerve-serve end to end: answers equal to the library's own (text and float32 bodies), refusals of malformed,
# oversized, truncated and slow requests with the server living on, hot reload by POST /reload and SIGHUP, a
# failed reload (corrupt file, missing file) that keeps the old model and reports the library's message, a load
# run with reloads every 50 ms without a single error, and a clean exit on SIGTERM.
#
#   test_serve.sh BUILD_DIR      (BUILD_DIR holds nerve-serve-asan or nerve-serve, serve_fixture and load)
set -u
BUILD=${1:?usage: test_serve.sh BUILD_DIR}
SERVER=${SERVER:-$BUILD/nerve-serve-asan}
[ -x "$SERVER" ] || SERVER=$BUILD/nerve-serve
FIXTURE=$BUILD/serve_fixture
LOAD=$BUILD/load
LOAD_SECONDS=${LOAD_SECONDS:-6}
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
    [ -n "$SERVER_PID" ] && kill -KILL "$SERVER_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

passed=0 failed=0
check() { # DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAILED: $what" >&2
        [ -f "$WORK/response" ] && head -c 600 "$WORK/response" | sed 's/^/    /' >&2
    fi
}

# Sends stdin as raw bytes on a new connection and prints what comes back until the server closes it (a server
# that answers before reading everything resets the connection: the write error is expected then).
send_raw() {
    timeout 5 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0" || exit 1; cat >&3 2>/dev/null; cat <&3' "$PORT"
}
raw() { printf "$1" | send_raw > "$WORK/response"; }
# METHOD PATH [BODY_FILE [CONTENT_TYPE]]: one request with Connection: close; the reply goes to $WORK/response.
http() {
    local body=${3:-/dev/null}
    { printf '%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: %s\r\n' "$1" "$2" "${4:-text/plain}"
      printf 'Content-Length: %d\r\n\r\n' "$(wc -c < "$body")"
      cat "$body"; } | send_raw > "$WORK/response"
}
status_is() { [ "$(head -1 "$WORK/response" | tr -d '\r')" = "HTTP/1.1 $1 $2" ]; }
body() { sed '1,/^\r$/d' "$WORK/response"; }
body_is_file() { body | cmp -s - "$1"; }
body_has() { body | grep -qF -- "$1"; }
server_alive() { kill -0 "$SERVER_PID" 2>/dev/null && http GET /health && status_is 200 OK; }

# Two models of the same shape with different weights, the inputs, and the library's answers for each model.
"$FIXTURE" model "$WORK/a.nerve" 6,12,3 1 && "$FIXTURE" model "$WORK/b.nerve" 6,12,3 2 || exit 1
cat > "$WORK/inputs.txt" <<'INPUTS'
0.1 0.2 0.3 0.4 0.5 0.6
1,2,3,4,5,6
-1e-3, 2.5,0 ,0	0 1
3.14159274 -2.71828175 1e2 0.000123 -0.5 7
0 0 0 0 0 0
INPUTS
"$FIXTURE" expect "$WORK/a.nerve" "$WORK/inputs.txt" > "$WORK/expected_a" &&
"$FIXTURE" expect "$WORK/b.nerve" "$WORK/inputs.txt" > "$WORK/expected_b" &&
"$FIXTURE" binary "$WORK/inputs.txt" "$WORK/inputs.bin" || exit 1
check "the two models answer differently" test "$(cat "$WORK/expected_a")" != "$(cat "$WORK/expected_b")"
check "one answer line per sample" test "$(wc -l < "$WORK/expected_a")" -eq 5
cp "$WORK/a.nerve" "$WORK/served.nerve"

"$SERVER" --model "$WORK/served.nerve" --port 0 --threads 8 --request-timeout 1000 \
    > "$WORK/server.out" 2> "$WORK/server.err" &
SERVER_PID=$!
PORT=
for _ in $(seq 50); do
    PORT=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$WORK/server.out")
    [ -n "$PORT" ] && break
    sleep 0.1
done
if [ -z "$PORT" ]; then
    echo "FAILED: the server did not start" >&2
    cat "$WORK/server.err" >&2
    exit 1
fi

http GET /health
check "GET /health" eval 'status_is 200 OK && [ "$(body)" = ok ]'
http GET /model
check "GET /model describes the model" eval 'status_is 200 OK && body_has "\"input_size\":6,\"output_size\":3," &&
    body_has "\"model_version\":1,\"reloads\":0,\"failed_reloads\":0,\"last_reload_error\":\"\""'

# Answers are the library's, to the last bit of their %.9g text.
http POST /predict "$WORK/inputs.txt"
check "POST /predict, text" eval 'status_is 200 OK && body_is_file "$WORK/expected_a"'
http POST /predict "$WORK/inputs.bin" application/octet-stream
check "POST /predict, float32" eval 'status_is 200 OK && body_is_file "$WORK/expected_a"'
raw 'POST /predict HTTP/1.1\r\nContent-Length: 12\r\n\r\n1 2 3 4 5 6\nGET /health HTTP/1.1\r\nConnection: close\r\n\r\n'
check "two requests on one keep-alive connection" eval '[ "$(grep -c "^HTTP/1.1 200 OK" "$WORK/response")" -eq 2 ] &&
    grep -q "^Connection: keep-alive" "$WORK/response" && [ "$(tail -c 3 "$WORK/response")" = ok ]'
exec 5<>"/dev/tcp/127.0.0.1/$PORT"
printf 'POST /predict HTTP/1.1\r\nContent-Length: 11\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n' >&5
continue_line=
read -r -t 5 continue_line <&5
printf '0 0 0 0 0 0' >&5
timeout 5 cat <&5 > "$WORK/response"
exec 5<&-
continue_line=${continue_line%$'\r'}
check "Expect: 100-continue before the body" eval '[ "$continue_line" = "HTTP/1.1 100 Continue" ] &&
    sed -n 2p "$WORK/response" | grep -q "^HTTP/1.1 200 OK"'

# Refusals. Each gets its status and the server lives on.
raw 'HELLO\r\n\r\n'
check "a malformed request line: 400" status_is 400 "Bad Request"
raw '\x00\x01\x02 / HTTP/1.1\r\n\r\n'
check "binary garbage: 400" status_is 400 "Bad Request"
raw 'GET /health HTTP/2.0\r\n\r\n'
check "an unknown HTTP version: 505" status_is 505 "HTTP Version Not Supported"
http GET /nowhere
check "an unknown path: 404" status_is 404 "Not Found"
http GET /predict
check "GET /predict: 405" eval 'status_is 405 "Method Not Allowed" && grep -q "^Allow: POST" "$WORK/response"'
http DELETE /health
check "DELETE /health: 405" status_is 405 "Method Not Allowed"
printf '1 2 3 4 5' > "$WORK/five"
http POST /predict "$WORK/five"
check "5 values for 6 inputs: 400" eval 'status_is 400 "Bad Request" && body_has "not a whole number of samples"'
printf '1 2 x 4 5 6' > "$WORK/word"
http POST /predict "$WORK/word"
check "a word among the numbers: 400" eval 'status_is 400 "Bad Request" && body_has "value 3 (\"x\") is not a number"'
printf '1 2 3 4 5 nan' > "$WORK/nan"
http POST /predict "$WORK/nan"
check "NaN: 400 with the library's message" eval 'status_is 400 "Bad Request" && body_has "nerve_predict"'
http POST /predict /dev/null
check "no samples: 400" status_is 400 "Bad Request"
head -c 10 "$WORK/inputs.bin" > "$WORK/ragged.bin"
http POST /predict "$WORK/ragged.bin" application/octet-stream
check "a float32 body of 10 bytes: 400" eval 'status_is 400 "Bad Request" && body_has "multiple of 4 bytes"'
raw 'POST /predict HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n'
check "a huge Content-Length: 413" status_is 413 "Content Too Large"
raw 'POST /predict HTTP/1.1\r\nContent-Length: 12x\r\n\r\n'
check "a Content-Length that is not a number: 400" status_is 400 "Bad Request"
raw 'POST /predict HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n1 2 '
check "conflicting Content-Lengths: 400" status_is 400 "Bad Request"
raw 'POST /predict HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n1 2 3\r\n0\r\n\r\n'
check "a chunked body: 411" status_is 411 "Length Required"
{ printf 'GET /health HTTP/1.1\r\nX-Padding: '; head -c 9000 /dev/zero | tr '\0' a; printf '\r\n\r\n'; } |
    send_raw > "$WORK/response"
check "9000 bytes of headers: 431" status_is 431 "Request Header Fields Too Large"
head -c 200000 /dev/zero | tr '\0' a | send_raw > "$WORK/response"
check "200 kB without a line end: 431" status_is 431 "Request Header Fields Too Large"
exec 6<>"/dev/tcp/127.0.0.1/$PORT"
printf 'POST /predict HTTP/1.1\r\nContent-Length: 100\r\n\r\n1 2 3' >&6
exec 6<&-
check "a truncated body, then the client goes: the server lives on" server_alive

# A slow client holds no worker: others are served meanwhile, and it gets 408 after the request timeout (1 s).
exec 4<>"/dev/tcp/127.0.0.1/$PORT"
printf 'GET /hea' >&4
check "served beside a slow client" server_alive
timeout 5 cat <&4 > "$WORK/response"
exec 4<&-
check "a request not whole within the timeout: 408" status_is 408 "Request Timeout"

# Reload to another model: POST /reload, then SIGHUP back to the first.
cp "$WORK/b.nerve" "$WORK/served.nerve"
http POST /reload
check "POST /reload" eval 'status_is 200 OK && body_has "model version 2"'
http POST /predict "$WORK/inputs.txt"
check "answers of the reloaded model" eval 'status_is 200 OK && body_is_file "$WORK/expected_b"'
cp "$WORK/a.nerve" "$WORK/served.nerve"
kill -HUP "$SERVER_PID"
for _ in $(seq 50); do
    http GET /model
    body_has '"model_version":3' && break
    sleep 0.1
done
check "SIGHUP reloads" body_has '"model_version":3,"reloads":2,"failed_reloads":0'
http POST /predict "$WORK/inputs.txt"
check "answers after SIGHUP" eval 'status_is 200 OK && body_is_file "$WORK/expected_a"'

# A corrupt file (one byte changed) and a missing one: the old model stays, the library's message is reported.
cp "$WORK/a.nerve" "$WORK/corrupt.nerve"
printf '\xa5' | dd of="$WORK/corrupt.nerve" bs=1 seek=$(($(wc -c < "$WORK/a.nerve") / 2)) conv=notrunc status=none
check "the corrupt copy differs" eval '! cmp -s "$WORK/a.nerve" "$WORK/corrupt.nerve"'
cp "$WORK/corrupt.nerve" "$WORK/served.nerve"
http POST /reload
check "reload of a corrupt file: 500, the library's message" eval 'status_is 500 "Internal Server Error" &&
    body_has "reload failed, still serving model version 3: nerve_load:" && body_has "checksum"'
http POST /predict "$WORK/inputs.txt"
check "the old model still answers" eval 'status_is 200 OK && body_is_file "$WORK/expected_a"'
rm "$WORK/served.nerve"
http POST /reload
check "reload of a missing file: 500" eval 'status_is 500 "Internal Server Error" && body_has "cannot open"'
http GET /model
check "GET /model reports the failures" eval 'body_has "\"model_version\":3,\"reloads\":2,\"failed_reloads\":2," &&
    body_has "\"last_reload_error\":\"nerve_load: cannot open"'
http POST /predict "$WORK/inputs.bin" application/octet-stream
check "the old model still answers" eval 'status_is 200 OK && body_is_file "$WORK/expected_a"'

# Load with reloads every 50 ms: not one error.
cp "$WORK/a.nerve" "$WORK/served.nerve"
timeout 30 "$LOAD" --port "$PORT" --seconds "$LOAD_SECONDS" --connections 8 --batch 4 --reload-every 50 \
    > "$WORK/load.out" 2>&1
load_status=$?
cat "$WORK/load.out"
check "a load run with reloads every 50 ms: no error" eval '[ $load_status -eq 0 ] && grep -q "; 0 errors; " "$WORK/load.out"'
check "the server lives on after the load" server_alive

kill -TERM "$SERVER_PID"
timeout 20 tail --pid="$SERVER_PID" -f /dev/null
wait "$SERVER_PID"
server_status=$?
SERVER_PID=
check "SIGTERM: exit status 0" test "$server_status" -eq 0
check "SIGTERM: stopped cleanly" grep -q "nerve-serve: stopped" "$WORK/server.out"
check "no sanitizer report" eval '! grep -E "ERROR: (Address|Leak)Sanitizer|runtime error" "$WORK/server.err"'
if [ $failed -ne 0 ]; then
    grep -E "Sanitizer|runtime error" -A 20 "$WORK/server.err" | head -60 >&2
fi
echo "nerve-serve ($(basename "$SERVER")): $passed passed, $failed failed"
[ $failed -eq 0 ]
