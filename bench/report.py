"""Turns the measurements of run.py into the Markdown report: the comparison table first, then hardware
efficiency, accuracy, memory and allocation figures, then how each peer's set-up differs."""

import statistics
from dataclasses import dataclass

ROW_TITLES = {"train": "seconds/epoch", "latency": "µs/sample", "throughput": "samples/s"}


@dataclass
class Context:
    settings: object
    workloads: list
    libraries: list
    unavailable: dict
    runs: dict       # workload key -> library key -> [Run]
    pairs: dict      # workload key -> peer key -> [Nerve ÷ peer]
    sgemm: dict      # variant -> sgemm_floor RESULT
    failures: list
    machine: str
    load: tuple      # load averages (1, 5, 15 min) before and after
    others: float    # mean number of other runnable tasks, sampled before each run
    minutes: float


def number(value):
    if value is None:
        return "—"
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}" if value >= 0.1 else f"{value:.2g}"


def median_or_none(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def value_of(ctx, workload, library):
    return median_or_none([run.value for run in ctx.runs[workload.key].get(library.key, [])])


def version_of(ctx, library):
    for by_library in ctx.runs.values():
        for run in by_library.get(library.key, []):
            if "version" in run.result:
                return run.result["version"]
    return None


def label_of(ctx, library):
    version = version_of(ctx, library)
    if library.key in ("nerve", "torch") and version:
        return f"{library.label} {version}"
    return library.label


EXTRA = "nerve-avx512"  # a variant of Nerve, reported with the hardware figures rather than as a peer


def shown(ctx):
    return [lib for lib in ctx.libraries if lib.key != EXTRA and not ctx.unavailable.get(lib.key)]


def comparison_table(ctx):
    peers = [lib for lib in ctx.libraries if lib.key not in ("nerve", EXTRA)]
    header = ["workload", label_of(ctx, ctx.libraries[0])] + [label_of(ctx, p) for p in peers] + ["target for Nerve"]
    rows = []
    for w in ctx.workloads:
        nerve_value = value_of(ctx, w, ctx.libraries[0])
        row = [f"{w.key} {ROW_TITLES[w.mode]}", number(nerve_value)]
        for peer in peers:
            if ctx.unavailable.get(peer.key):
                row.append("not run")
                continue
            value = value_of(ctx, w, peer)
            ratio = median_or_none(ctx.pairs[w.key].get(peer.key, []))
            row.append(number(value) + (f" ({ratio:.2f})" if ratio is not None else ""))
        if w.target is None:
            row.append("")
        elif nerve_value is None:
            row.append(f"≤ {w.target:g}: no measurement")
        else:
            met = nerve_value is not None and (nerve_value <= w.target if w.lower_is_better else nerve_value >= w.target)
            row.append(f"≤ {w.target:g}: {'met' if met else 'not met'}")
        rows.append(row)
    return table(header, rows)


def hardware_section(ctx):
    default = ctx.sgemm.get("default")
    if not default:
        return "sgemm could not be measured."
    lines = []
    peak_rows = [["sgemm 1024³, OpenBLAS as installed", number(default["peak_gflops"]["1"]),
                  number(default["peak_gflops"]["2"])]]
    fast = ctx.sgemm.get("SkylakeX")
    if fast:
        peak_rows.append(["sgemm 1024³, OpenBLAS with OPENBLAS_CORETYPE=SkylakeX (AVX-512)",
                          number(fast["peak_gflops"]["1"]), number(fast["peak_gflops"]["2"])])
    lines.append(table(["GFLOP/s", "1 thread", "2 threads"], peak_rows))
    lines.append("")

    peak, peak2 = default["peak_gflops"]["1"], default["peak_gflops"]["2"]
    header = ["workload", "GFLOP", "Nerve GFLOP/s", "of sgemm peak (1 / 2 threads)",
              "sgemm-only floor, s/epoch (1 / 2 threads)"]
    extra = next((lib for lib in ctx.libraries if lib.key == EXTRA and not ctx.unavailable.get(EXTRA)), None)
    if fast:
        header.append("floor with AVX-512 kernels (1 / 2)")
    if extra:
        header.append("Nerve with AVX-512 kernels")
    rows = []
    nerve = ctx.libraries[0]
    for w in ctx.workloads:
        value = value_of(ctx, w, nerve)
        if w.mode == "train":
            flops = w.training_flops()
            achieved = flops / value / 1e9 if value else None
            amount = f"{flops / 1e9:.1f} per epoch"
        elif w.mode == "latency":
            flops = w.forward_flops_per_sample()
            achieved = flops / (value * 1e-6) / 1e9 if value else None
            amount = f"{flops / 1e6:.3f} M per sample"
        else:
            flops = w.forward_flops_per_sample()
            achieved = flops * value / 1e9 if value else None
            amount = f"{flops * 10000 / 1e9:.2f} per 10k"
        row = [w.key, amount, number(achieved),
               f"{100 * achieved / peak:.0f} % / {100 * achieved / peak2:.0f} %" if achieved else "—"]
        floor = default.get("floor_seconds", {}).get(w.key)
        row.append(f"{floor['1']:.3f} / {floor['2']:.3f}" if floor else "")
        if fast:
            floor = fast.get("floor_seconds", {}).get(w.key)
            row.append(f"{floor['1']:.3f} / {floor['2']:.3f}" if floor else "")
        if extra:
            value = value_of(ctx, w, extra)
            row.append(f"{number(value)} {w.unit}" if value is not None else "—")
        rows.append(row)
    lines.append(table(header, rows))
    lines.append("")
    if extra:
        lines.append("The last column is Nerve run with OPENBLAS_CORETYPE=SkylakeX, measured beside the plain runs: "
                     "what the same code gains from OpenBLAS's AVX-512 kernels, which OpenBLAS 0.3.21 does not "
                     "select on its own for this CPU.")
        lines.append("")
    lines.append("FLOPs counted: forward 2·b·in·out per layer, weight gradient 2·b·in·out per layer, input delta "
                 "2·b·in·out per layer but the first. The floor is the time OpenBLAS needs for exactly those "
                 "matrix products at the workload's batch size, nothing else.")
    return "\n".join(lines)


def accuracy_section(ctx):
    training = [w for w in ctx.workloads if w.mode == "train"]
    if not training:
        return ""
    ran = shown(ctx)
    rows = []
    for w in training:
        row = [w.key]
        for lib in ran:
            after_first = [run.result["test_accuracy"][0] for run in ctx.runs[w.key].get(lib.key, [])]
            row.append(f"{median_or_none(after_first):.3f}" if after_first else "—")
        rows.append(row)
    return table(["test accuracy after 1 epoch"] + [label_of(ctx, lib) for lib in ran], rows)


def memory_section(ctx):
    ran = shown(ctx)
    rows = []
    for w in ctx.workloads:
        row = [w.key]
        for lib in ran:
            runs = ctx.runs[w.key].get(lib.key, [])
            if not runs:
                row.append("—")
                continue
            cell = f"{median_or_none([r.max_rss_mib for r in runs]):.0f}"
            extra = median_or_none([r.result.get("train_extra_mib") for r in runs
                                    if r.result.get("train_extra_mib", -1) >= 0])
            if extra is not None:
                cell += f" (+{extra:.1f})"
            row.append(cell)
        rows.append(row)
    return table(["peak RSS, MiB (training's own)"] + [label_of(ctx, lib) for lib in ran], rows) + (
        "\n\nPeak resident memory of the whole process (interpreter and data included); in parentheses the "
        "peak during training above what the process held just before it.")


def allocation_section(ctx):
    nerve = ctx.libraries[0]
    rows = []
    for w in ctx.workloads:
        runs = ctx.runs[w.key].get(nerve.key, [])
        if not runs:
            continue
        if w.mode == "train":
            cells = []
            for label, index in (("first epoch", slice(0, 1)), ("each later epoch", slice(1, None))):
                total = median_or_none([a for r in runs for a in r.result["allocations"][index]])
                blas = median_or_none([a for r in runs for a in r.result["blas_allocations"][index]])
                if total is not None:
                    cells.append(f"{label}: {total:.0f} ({blas:.0f} by OpenBLAS)")
            rows.append([w.key, "; ".join(cells)])
        else:
            total = median_or_none([r.result.get("allocations_per_call") for r in runs])
            blas = median_or_none([r.result.get("blas_allocations_per_call") for r in runs])
            rows.append([w.key, f"{total:.2f} per predict call after warm-up ({blas:.2f} by OpenBLAS)"])
    return table(["workload", "heap allocations during Nerve's calls"], rows) + (
        "\n\nCounted by wrapping malloc in the benchmark process; OpenBLAS 0.3.21's multi-threaded GEMM "
        "allocates a small job array on every call it splits across threads.")


def notes_section(ctx):
    lines = []
    for lib in ctx.libraries:
        if lib.key == EXTRA:
            continue
        reason = ctx.unavailable.get(lib.key)
        if reason:
            lines.append(f"- {lib.label}: not run: {reason}.")
            continue
        for w in ctx.workloads:
            note = lib.note(w)
            if note:
                lines.append(f"- {lib.label}, {w.key}: {note}.")
    for failure in sorted(set(ctx.failures)):
        count = ctx.failures.count(failure)
        lines.append(f"- failed run{f' ({count} times)' if count > 1 else ''}: {failure}")
    return "\n".join(lines)


def render(ctx):
    s = ctx.settings
    scope = (f"{s.training_samples} training samples per epoch (times scaled to 60k)" if s.quick
             else "60000 training samples")
    parts = [
        f"## Nerve beside its peers",
        "",
        f"Fashion-MNIST, {scope}; {s.repetitions} repetition(s), each library in its own process, "
        f"medians. In parentheses: Nerve ÷ peer, the median over runs taken side by side "
        f"(for A–C below 1 means Nerve is faster, for D above 1 means Nerve is faster).",
        "",
        comparison_table(ctx),
        "",
        "Workloads:",
    ]
    parts += [f"- {w.key}: {w.description}." for w in ctx.workloads]
    parts += ["", "### Hardware use", "", hardware_section(ctx), "", "### Accuracy", "", accuracy_section(ctx),
              "", "### Memory", "", memory_section(ctx), "", "### Allocations", "", allocation_section(ctx),
              "", "### Set-up", "", notes_section(ctx), "",
              f"Machine: {ctx.machine}. Load average {ctx.load[0][0]:.2f} before, {ctx.load[1][0]:.2f} after, "
              f"{ctx.others:.2f} other runnable tasks on average between runs; {ctx.minutes:.1f} minutes."]
    if ctx.others >= 1.0:
        parts += ["", "**The machine was busy with other work during the runs: timings, above all those of "
                  "multi-threaded libraries, are slower than on a quiet machine.**"]
    parts.append("")
    return "\n".join(parts)
