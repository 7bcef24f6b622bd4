"""The serving benchmark: nerve-serve (bindings/c/serve) beside the library alone, on the Fashion-MNIST
784-100-10 network.

For batches of 1 and 32 samples per request, quiet and with a reload every 100 ms: the library alone
(serve_library: 8 threads calling nerve_predict in a loop on the same samples) and the service (nerve-serve with
8 worker threads, driven by `load` over 8 keep-alive loopback connections, float32 bodies; text bodies once
without reloads). Each configuration runs for --seconds. Client and server share the machine.

    python3 serve_bench.py --build build --serve-build ../bindings/c/build --data ../build/data [--seconds 10]
                           [--out results.md]
"""

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SECTION = "## Serving"


def result_of(command, timeout):
    output = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    for line in output.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise RuntimeError(f"{' '.join(command)} failed: {output.stderr.strip()[-400:]} {output.stdout.strip()[-400:]}")


def start_server(serve_build, model):
    server = subprocess.Popen([os.path.join(serve_build, "nerve-serve"), "--model", model, "--port", "0",
                               "--threads", "8"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = server.stdout.readline()
    match = re.search(r"127\.0\.0\.1:(\d+)/", line)
    if not match:
        server.kill()
        raise RuntimeError(f"nerve-serve did not start: {line!r}")
    return server, int(match.group(1))


def row(label, r):
    return (f"| {label} | {r['requests_per_second']:,.0f} | {r['samples_per_second']:,.0f} | {r['p50_ms']:.3f} | "
            f"{r['p99_ms']:.3f} | {r['max_ms']:.1f} | {r['errors']} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build", help="directory holding serve_library")
    parser.add_argument("--serve-build", default="../bindings/c/build", help="directory holding nerve-serve, load")
    parser.add_argument("--data", default="../build/data", help="directory holding the Fashion-MNIST IDX files")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each configuration's run")
    parser.add_argument("--out", help="Markdown file whose '## Serving' section is replaced (or appended)")
    args = parser.parse_args()

    library = os.path.join(args.build, "serve_library")
    load = os.path.join(args.serve_build, "load")
    timeout = args.seconds + 60
    started = time.time()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as work:
        model, samples = os.path.join(work, "fashion.nerve"), os.path.join(work, "samples.f32")
        prepared = result_of([library, "mode=prepare", f"data={args.data}", f"model={model}", f"samples={samples}"],
                             600)
        print(f"model: 784-100-10, one epoch on 10,000 images, test accuracy {prepared['test_accuracy']:.3f}",
              file=sys.stderr)
        server, port = start_server(args.serve_build, model)
        rows = []
        try:
            for reload_ms in (0, 100):
                for batch in (1, 32):
                    suffix = f", reload every {reload_ms} ms" if reload_ms else ""
                    runs = [(f"library alone, n={batch}{suffix}",
                             [library, "mode=run", f"model={model}", f"samples={samples}", "threads=8",
                              f"batch={batch}", f"seconds={args.seconds}", f"reload_ms={reload_ms}"])]
                    client = [load, "--port", str(port), "--seconds", str(args.seconds), "--connections", "8",
                              "--batch", str(batch), "--samples", samples]
                    if reload_ms:
                        client += ["--reload-every", str(reload_ms)]
                    runs.append((f"service, float32 body, n={batch}{suffix}", client + ["--binary"]))
                    if not reload_ms:
                        runs.append((f"service, text body, n={batch}", client))
                    for label, command in runs:
                        r = result_of(command, timeout)
                        rows.append(row(label, r))
                        print(rows[-1], file=sys.stderr, flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)

    lines = [
        SECTION,
        "",
        f"`make -C bench serve`: the Fashion-MNIST 784-100-10 network (sigmoid, softmax; test accuracy "
        f"{prepared['test_accuracy']:.3f} after one epoch on 10,000 images) on the first 1,000 test images, "
        f"{args.seconds:g} s per row. Library alone: 8 threads calling nerve_predict in a loop, each call timed. "
        "Service: nerve-serve with 8 worker threads, driven by `load` over 8 keep-alive loopback connections "
        "(one request in flight per connection), latency from sending the request to reading the whole answer. "
        "A reload loads the model file, publishes it and frees the old one; POST /reload for the service. "
        "n = samples per call or request.",
        "",
        "| configuration | requests/s | samples/s | p50 ms | p99 ms | max ms | errors |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores shared with other work, client and server on the "
        f"same cores; load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after; "
        f"{(time.time() - started) / 60:.1f} minutes.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.out:
        path = args.out if os.path.isabs(args.out) else os.path.join(HERE, args.out)
        existing = open(path).read() if os.path.exists(path) else ""
        start = existing.find(SECTION + "\n")
        if start < 0:
            existing = existing.rstrip("\n") + "\n\n" + text if existing else text
        else:
            end = existing.find("\n## ", start + len(SECTION))
            existing = existing[:start] + text + (existing[end + 1:] if end >= 0 else "")
        with open(path, "w") as f:
            f.write(existing)


if __name__ == "__main__":
    main()
