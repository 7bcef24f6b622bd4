"""Scaling of data-parallel training over MPI: samples/s with 1, 2 and 4 ranks of one thread each.

    python3 mpi_scaling.py --data ../build/data [--repetitions 3] [--cnn-samples 3000] [--out mpi_scaling.md]

Workloads (bench/workloads.py): B, 784-256-128-10 ReLU/softmax, SGD lr 0.05 momentum 0.9, one epoch of the
60000 training images; and the benchmark's convolutional network (CNN_LAYERS: conv 32@5×5, max-pool 2,
conv 64@5×5, max-pool 2, dense 128, dense 10) with workload E's settings (lr 0.02, momentum 0.9) on the first
--cnn-samples images. Each is run with the global batch fixed (B: 128, CNN: 64; each rank takes 1/N of it) and
with the per-rank batch fixed (each rank takes 128 or 64, so the global batch grows with N), plus one plain
process without MPI (no hook) as the baseline of compute alone. Every configuration runs --repetitions times,
interleaved, and the table shows medians.

Columns: samples/s of the epoch (wall time of fit between barriers, all ranks' samples); speed-up over 1 rank of
the same workload; bytes each rank hands to the allreduce per step (the gradient, 4 bytes per parameter: the
ranks know each other's row counts, so nothing else travels with it) and what a ring allreduce makes each rank
send, 2(N−1)/N of that; the share of the epoch
each rank spends inside the gradient hook (allreduce, the copies around it and waits for slower ranks), averaged
over ranks. Per epoch, the ranks also exchange 80 bytes of figures and 4 bytes to agree on stopping.

Then an estimate for N nodes (8 by default) on 10 Gb/s Ethernet with a ring allreduce: communication per step
2(N−1)/N × 4P bytes at the link's 1.25 GB/s plus 2(N−1) message latencies, against compute per step, the
measured single-process time per sample × global batch / N. Nerve's hook receives the gradient once backprop is
complete, so communication cannot overlap computation: a step takes compute + communication.
"""

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WORKER = os.path.join(HERE, "mpi_worker.py")
TIMEOUT = 1200  # seconds for one run

GLOBAL_BATCH = {"B": 128, "CNN": 64}
RANKS = (1, 2, 4)


def mpirun_command(ranks):
    command = ["mpirun", "--oversubscribe", "-np", str(ranks)]
    if os.geteuid() == 0:
        command.append("--allow-run-as-root")
    return command


def run(configuration, args):
    workload, ranks, batch, samples = configuration
    worker = [sys.executable, WORKER, "--data", args.data, "--workload", workload, "--batch", str(batch),
              "--samples", str(samples)]
    command = worker + ["--no-mpi"] if ranks == 0 else mpirun_command(ranks) + worker
    load = os.getloadavg()[0]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        raise SystemExit(f"{' '.join(command)} took more than {TIMEOUT} s")
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed with status {process.returncode}:\n{stderr}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["load"] = load
    return result


def configurations(args):
    """(workload, ranks, per-rank batch, samples); ranks 0 is the plain process without MPI."""
    chosen = []
    for workload, samples in (("B", args.b_samples), ("CNN", args.cnn_samples)):
        batch = GLOBAL_BATCH[workload]
        chosen.append((workload, 0, batch, samples))
        for ranks in RANKS:
            chosen.append((workload, ranks, batch // ranks, samples))  # global batch fixed
            if ranks > 1:
                chosen.append((workload, ranks, batch, samples))  # per-rank batch fixed
    return chosen


def summarise(results):
    """Median figures of each configuration's runs."""
    rows = {}
    for configuration, runs in results.items():
        rate = statistics.median(run["samples"] / run["seconds"] for run in runs)
        share = statistics.median(statistics.mean(run["hook_seconds"]) / run["seconds"] for run in runs)
        rows[configuration] = dict(
            rate=rate,
            share=share,
            parameters=runs[0]["parameters"],
            steps=runs[0]["steps"],
            runs=len(runs),
            load=statistics.median(run["load"] for run in runs),
            rates=[run["samples"] / run["seconds"] for run in runs],
        )
    return rows


def table(rows, args):
    lines = [
        "| workload | ranks | batch per rank (global) | samples/s | speed-up vs 1 rank | bytes per step per rank: "
        "to allreduce / ring sends | time in gradient hook |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for workload in ("B", "CNN"):
        one_rank = rows[(workload, 1, GLOBAL_BATCH[workload])]["rate"]
        for (name, ranks, batch), row in rows.items():
            if name != workload:
                continue
            parameters = row["parameters"]
            payload = 4 * parameters
            if ranks == 0:
                label, exchanged = "1, no MPI", "—"
                speedup = f"{row['rate'] / one_rank:.2f}"
                global_batch = batch
            else:
                label = str(ranks)
                ring = 2 * (ranks - 1) / ranks * payload
                exchanged = f"{payload:,} / {ring:,.0f}"
                speedup = f"{row['rate'] / one_rank:.2f}"
                global_batch = batch * ranks
            share = "—" if ranks == 0 else f"{100 * row['share']:.0f} %"
            lines.append(
                f"| {workload} | {label} | {batch} ({global_batch}) | {row['rate']:,.0f} | {speedup} | "
                f"{exchanged} | {share} |"
            )
    return "\n".join(lines)


def estimate(rows, args):
    nodes = args.nodes
    bandwidth = args.bandwidth_gbps * 1e9 / 8  # bytes/s
    latency = args.latency_us * 1e-6
    lines = [
        f"Estimate for {nodes} nodes on {args.bandwidth_gbps:g} Gb/s ({bandwidth / 1e9:.2f} GB/s) with a ring "
        f"allreduce and {args.latency_us:g} µs per message: each node sends (and receives) "
        f"2(N−1)/N × 4P = {2 * (nodes - 1) / nodes:.2f} × 4P bytes per step in 2(N−1) = {2 * (nodes - 1)} "
        "messages; compute per step = single-process time per sample × global batch / N.",
        "",
        "| workload | P | bytes sent per node per step | communication per step | time per sample (1 process) | "
        "global batch | compute per step | step efficiency | global batch for compute = communication | for 90 % |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    notes = []
    for workload in ("B", "CNN"):
        baseline = rows[(workload, 0, GLOBAL_BATCH[workload])]
        parameters = baseline["parameters"]
        sent = 2 * (nodes - 1) / nodes * 4 * parameters
        communication = sent / bandwidth + 2 * (nodes - 1) * latency
        per_sample = 1 / baseline["rate"]
        batch = GLOBAL_BATCH[workload]
        compute = per_sample * batch / nodes
        efficiency = compute / (compute + communication)
        even = nodes * communication / per_sample  # global batch at which compute = communication
        ninety = 9 * even
        lines.append(
            f"| {workload} | {parameters:,} | {sent / 1e6:.2f} MB | {communication * 1e3:.2f} ms "
            f"({sent / bandwidth * 1e3:.2f} + {2 * (nodes - 1) * latency * 1e3:.2f}) | {per_sample * 1e6:.0f} µs | "
            f"{batch} | {compute * 1e3:.2f} ms | {100 * efficiency:.0f} % | {even:,.0f} ({even / nodes:,.0f} per node) "
            f"| {ninety:,.0f} ({ninety / nodes:,.0f} per node) |"
        )
        notes.append(
            f"{workload}: {sent / 1e6:.2f} MB / {bandwidth / 1e9:.2f} GB/s = {sent / bandwidth * 1e3:.2f} ms + "
            f"{2 * (nodes - 1)} × {args.latency_us:g} µs = {communication * 1e3:.2f} ms of communication against "
            f"{per_sample * 1e6:.0f} µs × {batch} / {nodes} = {compute * 1e3:.2f} ms of compute per step: "
            + ("communication-bound" if communication > compute else "compute-bound")
            + f" ({100 * efficiency:.0f} % of the step computes, a speed-up of {nodes * efficiency:.1f} over one "
            f"node); compute matches communication at a global batch of {even:,.0f}."
        )
    return "\n".join(lines + [""] + [f"- {note}" for note in notes])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=os.path.join(HERE, "..", "build", "data"))
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--b-samples", type=int, default=60000)
    parser.add_argument("--cnn-samples", type=int, default=3000)
    parser.add_argument("--nodes", type=int, default=8)
    parser.add_argument("--bandwidth-gbps", type=float, default=10.0)
    parser.add_argument("--latency-us", type=float, default=50.0)
    parser.add_argument("--out", help="also write the markdown there")
    parser.add_argument("--json", help="write every run's figures there")
    parser.add_argument("--from-json", help="summarise the runs of an earlier --json file instead of running")
    args = parser.parse_args()
    args.data = os.path.abspath(args.data)

    results = {}
    if args.from_json:
        with open(args.from_json) as file:
            for entry in json.load(file):
                results[(entry["workload"], entry["ranks"], entry["batch"])] = entry["runs"]
        args.repetitions = max(len(runs) for runs in results.values())
        args.b_samples = results[("B", 0, GLOBAL_BATCH["B"])][0]["samples"]
        args.cnn_samples = results[("CNN", 0, GLOBAL_BATCH["CNN"])][0]["samples"]
    for repetition in range(0 if args.from_json else args.repetitions):
        for configuration in configurations(args):
            result = run(configuration, args)
            key = configuration[:3]
            results.setdefault(key, []).append(result)
            print(f"[{repetition + 1}/{args.repetitions}] {configuration}: "
                  f"{result['samples'] / result['seconds']:,.0f} samples/s, hook "
                  f"{statistics.mean(result['hook_seconds']) / result['seconds']:.0%}, load {result['load']:.1f}",
                  file=sys.stderr, flush=True)
    rows = summarise(results)
    loads = [run["load"] for runs in results.values() for run in runs]
    text = "\n".join([
        f"Medians of {args.repetitions} runs each; one thread per rank on {os.cpu_count()} cores (4 ranks share "
        f"them); 1-minute load average before the runs (these runs' own included) "
        f"{min(loads):.1f} .. {max(loads):.1f}; "
        f"B: {args.b_samples} samples, CNN: {args.cnn_samples} samples per epoch; "
        f"{sum(run['seconds'] for runs in results.values() for run in runs):.0f} s of measured training in all.",
        "",
        table(rows, args),
        "",
        estimate(rows, args),
    ])
    print(text)
    if args.out:
        with open(args.out, "w") as file:
            file.write(text + "\n")
    if args.json and not args.from_json:
        with open(args.json, "w") as file:
            json.dump([dict(workload=k[0], ranks=k[1], batch=k[2], runs=v) for k, v in results.items()], file,
                      indent=1)


if __name__ == "__main__":
    main()
