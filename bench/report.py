"""Turns the measurements of run.py into the Markdown report: what ran (kernels, CPU, BLAS), the comparison
tables and the targets first, then the convolutional network's figures side by side, the runs beside a busy
process, hardware efficiency, accuracy, memory and allocation figures, then how each peer's set-up differs."""

import statistics
from dataclasses import dataclass

from workloads import (CONTENTION_TARGET, CONTENTION_WORKLOADS, SCALING_TARGET, SCALING_WORKLOAD,
                       TRAINING_SAMPLES)

COLUMN_TITLES = {"train": "s/epoch", "latency": "µs/sample", "throughput": "samples/s"}


@dataclass
class Context:
    settings: object
    workloads: list
    nerves: list                # Nerve with each thread count, 1 thread first
    libraries: list             # the Nerves, then the peers asked for
    unavailable: dict
    measurements: object        # run.Measurements
    sgemm: dict                 # sgemm_floor's RESULT, or None
    nerve_info: dict            # nerve_bench mode=info
    cpu_model: str
    cpu_features: dict          # flag -> present
    openblas_environment: list  # NAME=value of the OPENBLAS_* variables set
    machine: str
    load: tuple                 # load averages (1, 5, 15 min) before and after
    others: float               # mean number of other runnable tasks, sampled before each run
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


def verdict(met):
    return "**met**" if met else "**missed**"


def runs_of(ctx, workload, library):
    return ctx.measurements.runs[workload.key].get(library.key, [])


def value_of(ctx, workload, library):
    return median_or_none([run.value for run in runs_of(ctx, workload, library)])


def version_of(ctx, library):
    for by_library in ctx.measurements.runs.values():
        for run in by_library.get(library.key, []):
            if "version" in run.result:
                return run.result["version"]
    return None


def label_of(ctx, library):
    version = version_of(ctx, library)
    if library.key == "torch" and version:
        return f"{library.label} {version}"
    if library in ctx.nerves and version:
        return library.label.replace("Nerve", f"Nerve {version}", 1)
    return library.label


def peers(ctx):
    return [lib for lib in ctx.libraries if lib not in ctx.nerves]


def shown(ctx):
    return [lib for lib in ctx.libraries if not ctx.unavailable.get(lib.key)]


def workload_header(ctx, first):
    return [first] + [f"{w.key} {COLUMN_TITLES[w.mode]}" for w in ctx.workloads]


def pair_ratio(ctx, workload, nerve, peer):
    return median_or_none(ctx.measurements.pairs[workload.key].get((nerve.key, peer.key), []))


# --- what ran ---------------------------------------------------------------------------------------------------

def numpy_blas(ctx):
    """How numpy's runs described their BLAS (threadpoolctl), and the OPENBLAS_* variables they saw."""
    for by_library in ctx.measurements.runs.values():
        for run in by_library.get("numpy", []):
            blas = run.result.get("blas")
            seen = run.result.get("openblas_environment", {})
            seen_text = ", ".join(f"{k}={v}" for k, v in sorted(seen.items())) or "none"
            if blas is None:
                return f"unknown (threadpoolctl not installed); OPENBLAS_* in its process: {seen_text}"
            pools = "; ".join(f"{p.get('internal_api')} {p.get('version')}, core {p.get('architecture')}, "
                              f"{p.get('num_threads')} threads" for p in blas) or "no BLAS loaded"
            return f"{pools} (OPENBLAS_* in its process: {seen_text})"
    if ctx.unavailable.get("numpy"):
        return f"numpy not run: {ctx.unavailable['numpy']}"
    return "no numpy run succeeded"


def what_ran(ctx):
    flags = ", ".join(f"{flag} {'yes' if present else 'no'}" for flag, present in ctx.cpu_features.items())
    lines = [
        f"- Nerve {ctx.nerve_info.get('version')}: matrix kernels `{ctx.nerve_info.get('kernel')}` (nerve_kernel()).",
        f"- CPU: {ctx.cpu_model}; {flags}.",
        f"- OPENBLAS_* variables set in the environment: {', '.join(ctx.openblas_environment) or 'none'}.",
        f"- numpy's BLAS: {numpy_blas(ctx)}. numpy and PyTorch run with OPENBLAS_CORETYPE and "
        f"OPENBLAS_L2_SIZE removed from their own process's environment.",
    ]
    if ctx.sgemm:
        lines.append(f"- sgemm_floor's BLAS (the sgemm bound below): {ctx.sgemm.get('config', 'OpenBLAS')}, "
                     f"core {ctx.sgemm.get('core', 'unknown')}, with the environment as it is.")
    return "\n".join(lines)


# --- comparison -------------------------------------------------------------------------------------------------

def comparison_table(ctx):
    rows = []
    for lib in ctx.libraries:
        if ctx.unavailable.get(lib.key):
            rows.append([label_of(ctx, lib)] + ["not run"] * len(ctx.workloads))
            continue
        rows.append([label_of(ctx, lib)] + [number(value_of(ctx, w, lib)) for w in ctx.workloads])
    return table(workload_header(ctx, "library"), rows)


def ratio_table(ctx):
    rows = []
    for peer in peers(ctx):
        if ctx.unavailable.get(peer.key):
            continue
        for nerve in ctx.nerves:
            cells = [pair_ratio(ctx, w, nerve, peer) for w in ctx.workloads]
            rows.append([f"{nerve.label} ÷ {peer.label}"] + [f"{c:.2f}" if c is not None else "—" for c in cells])
    if len(ctx.nerves) > 1:
        one, two = ctx.nerves[0], ctx.nerves[-1]
        cells = [median_or_none(ctx.measurements.scaling[w.key]) for w in ctx.workloads]
        rows.append([f"{two.label} ÷ {one.label}"] + [f"{c:.2f}" if c is not None else "—" for c in cells])
    if not rows:
        return "No peer ran."
    return table(workload_header(ctx, "Nerve ÷ peer"), rows)


# --- targets ----------------------------------------------------------------------------------------------------

def sgemm_bound_seconds(ctx, workload):
    """The workload's training GFLOP at the 2-thread sgemm rate of a 1024³ product: seconds per 60k epoch."""
    if not ctx.sgemm or workload.mode != "train":
        return None
    rate = ctx.sgemm["peak_gflops"]["2"]
    return workload.training_flops() / (rate * 1e9) if rate else None


def speed_targets(ctx):
    rows = []
    for w in ctx.workloads:
        if w.numpy_ratio_target is not None:
            numpy = next((lib for lib in ctx.libraries if lib.key == "numpy"), None)
            row = [f"{w.key}: ≤ {w.numpy_ratio_target:g} × numpy's time"]
            for nerve in ctx.nerves:
                ratio = pair_ratio(ctx, w, nerve, numpy) if numpy else None
                row.append(f"{ratio:.2f} × {verdict(ratio <= w.numpy_ratio_target)}" if ratio is not None
                           else "no measurement")
            rows.append(row)
        if w.absolute_target is not None:
            row = [f"{w.key}: ≤ {w.absolute_target:g} {w.unit}"]
            for nerve in ctx.nerves:
                value = value_of(ctx, w, nerve)
                row.append(f"{number(value)} {w.unit} {verdict(value <= w.absolute_target)}" if value is not None
                           else "no measurement")
            rows.append(row)
        if w.sgemm_bound_target is not None:
            bound = sgemm_bound_seconds(ctx, w)
            title = f"{w.key}: ≤ {w.sgemm_bound_target:g} × the sgemm bound"
            if bound is not None:
                title += (f" ({w.training_flops() / 1e9:.1f} GFLOP at {ctx.sgemm['peak_gflops']['2']:.1f} GFLOP/s "
                          f"= {bound:.3f} s/epoch)")
            row = [title]
            for nerve in ctx.nerves:
                value = value_of(ctx, w, nerve)
                if value is None or bound is None:
                    row.append("no measurement")
                else:
                    row.append(f"{value / bound:.2f} × {verdict(value / bound <= w.sgemm_bound_target)}")
            rows.append(row)
    if not rows:
        return ""
    return table(["target"] + [nerve.label for nerve in ctx.nerves], rows)


def thread_targets(ctx):
    if len(ctx.nerves) < 2:
        return ""
    rows = []
    scaling = next((w for w in ctx.workloads if w.key == SCALING_WORKLOAD), None)
    if scaling:
        ratio = median_or_none(ctx.measurements.scaling[scaling.key])
        rows.append([f"{scaling.key}, quiet machine (no busy process started): 2 threads ≥ {SCALING_TARGET:g} × as "
                     f"fast as 1 thread",
                     f"{1 / ratio:.2f} × as fast" if ratio else "no measurement",
                     verdict(1 / ratio >= SCALING_TARGET) if ratio else ""])
    for key in CONTENTION_WORKLOADS:
        if key not in ctx.measurements.contention:
            continue
        ratio = median_or_none(ctx.measurements.contention[key])
        rows.append([f"{key}, one busy process beside it: 2 threads ≤ {CONTENTION_TARGET:g} × the 1-thread time",
                     f"{ratio:.2f} ×" if ratio else "no measurement",
                     verdict(ratio <= CONTENTION_TARGET) if ratio else ""])
    return table(["thread target", "Nerve", ""], rows) if rows else ""


def contention_section(ctx):
    keys = [key for key in CONTENTION_WORKLOADS if ctx.measurements.contention_runs.get(key)]
    if not keys:
        return "Not measured."
    one, two = ctx.nerves[0], ctx.nerves[-1]
    rows = []
    for key in keys:
        runs = ctx.measurements.contention_runs[key]
        t1 = median_or_none([r.value for r in runs.get(one.key, [])])
        t2 = median_or_none([r.value for r in runs.get(two.key, [])])
        ratio = median_or_none(ctx.measurements.contention[key])
        quiet = median_or_none(ctx.measurements.scaling.get(key, []))
        rows.append([key, number(t1), number(t2), f"{ratio:.2f}" if ratio else "—",
                     f"{quiet:.2f}" if quiet else "—",
                     verdict(ratio <= CONTENTION_TARGET) if ratio else ""])
    text = table(["workload, s/epoch", one.label, two.label, "2 threads ÷ 1 thread",
                  "same ratio without the busy process", f"≤ {CONTENTION_TARGET:g}"], rows)
    count = len(ctx.measurements.contention[keys[0]])
    text += (f"\n\nThe same training runs again while one other process spins on a core (`python3 -c \"while "
             f"True: pass\"`, started before and killed after these runs): {count} pair(s) per workload, "
             f"1 and 2 threads side by side, alternately first; ratios are medians of the pairs.")
    if ctx.measurements.spinner:
        cpu, wall = ctx.measurements.spinner
        text += f" The busy process used {cpu:.1f} s of CPU in its {wall:.1f} s."
    return text


# --- convolutional network -------------------------------------------------------------------------------------

def cnn_section(ctx):
    """The convolutional workloads beside PyTorch: time, ratio, latency, memory and GFLOP/s in one table."""
    chosen = [w for w in ctx.workloads if w.layers]
    torch = next((lib for lib in ctx.libraries if lib.key == "torch"), None)
    if not chosen:
        return ""
    if torch is not None and ctx.unavailable.get(torch.key):
        torch = None
    columns = ctx.nerves + ([torch] if torch else [])
    rows = []
    for w in chosen:
        rows.append([f"{w.key}: {'training, s per 60k epoch' if w.mode == 'train' else 'predict, µs per sample'}"]
                    + [number(value_of(ctx, w, lib)) if lib.supports(w) else "—" for lib in columns])
        if torch:
            rows.append([f"{w.key}: Nerve ÷ PyTorch, side by side"]
                        + [f"{r:.2f}" if (r := pair_ratio(ctx, w, lib, torch)) is not None else "—"
                           for lib in ctx.nerves] + [""])
        memory = []
        for lib in columns:
            runs = runs_of(ctx, w, lib)
            peak = median_or_none([r.max_rss_mib for r in runs])
            extra = median_or_none([r.result.get("train_extra_mib") for r in runs
                                    if r.result.get("train_extra_mib", -1) >= 0])
            memory.append("—" if peak is None else f"{peak:.0f}" + (f" (+{extra:.1f})" if extra is not None else ""))
        rows.append([f"{w.key}: peak RSS of the process, MiB" + (" (training's own)" if w.mode == "train" else "")]
                    + memory)
        rate = ctx.sgemm["peak_gflops"]["2"] if ctx.sgemm else None
        if w.mode == "train":
            cells = []
            for lib in columns:
                achieved = achieved_gflops(w, value_of(ctx, w, lib))
                cells.append(f"{number(achieved)} ({100 * achieved / rate:.0f} %)" if achieved and rate
                             else number(achieved))
            rows.append([f"{w.key}: GFLOP/s (of the 2-thread sgemm rate)"] + cells)
            bound = sgemm_bound_seconds(ctx, w)
            title = f"{w.key}: time ÷ the sgemm bound" + (f" ({bound:.2f} s)" if bound else "")
            rows.append([title]
                        + [f"{value / bound:.2f}" if bound and (value := value_of(ctx, w, lib)) else "—"
                           for lib in columns])
    header = [""] + [label_of(ctx, lib) for lib in columns]
    text = table(header, rows)
    if torch:
        settings = [f"{w.key} with {_setting_of(ctx, torch, w)}" for w in chosen]
        text += ("\n\nPyTorch ran " + "; ".join(settings) + ": the fastest of the settings it timed just before "
                 "(see Set-up). GFLOP/s: the count of Hardware use below over each library's time.")
    return text


def _setting_of(ctx, torch, workload):
    for run in runs_of(ctx, workload, torch):
        result = run.result
        if "format" in result:
            return (f"{result['threads']} thread{'s' if result['threads'] > 1 else ''}, {result['format']} "
                    f"format, mkldnn {'on' if result.get('mkldnn') else 'off'}")
    return "no successful run"


# --- hardware ---------------------------------------------------------------------------------------------------

def achieved_gflops(workload, value):
    if value is None:
        return None
    if workload.mode == "train":
        return workload.training_flops() / value / 1e9
    if workload.mode == "latency":
        return workload.forward_flops_per_sample() / (value * 1e-6) / 1e9
    return workload.forward_flops_per_sample() * value / 1e9


def hardware_section(ctx):
    sgemm = ctx.sgemm
    if not sgemm:
        return "sgemm could not be measured (sgemm_floor missing or failed)."
    lines = [table(["GFLOP/s", "1 thread", "2 threads"],
                   [[f"sgemm 1024³, OpenBLAS (core {sgemm.get('core', '?')})", number(sgemm["peak_gflops"]["1"]),
                     number(sgemm["peak_gflops"]["2"])]]), ""]
    rate = sgemm["peak_gflops"]["2"]
    header = ["workload", "GFLOP"] + [f"{n.label} GFLOP/s (of 2-thread sgemm)" for n in ctx.nerves] + \
        ["sgemm bound, s/epoch", "sgemm at the workload's shapes, s/epoch (1 / 2 threads)"]
    rows = []
    for w in ctx.workloads:
        if w.mode == "train":
            amount = f"{w.training_flops() / 1e9:.1f} per epoch"
        elif w.mode == "latency":
            amount = f"{w.forward_flops_per_sample() / 1e6:.3f} M per sample"
        else:
            amount = f"{w.forward_flops_per_sample() * 10000 / 1e9:.2f} per 10k"
        row = [w.key, amount]
        for nerve in ctx.nerves:
            achieved = achieved_gflops(w, value_of(ctx, w, nerve))
            row.append(f"{number(achieved)} ({100 * achieved / rate:.0f} %)" if achieved and rate else "—")
        bound = sgemm_bound_seconds(ctx, w)
        row.append(f"{bound:.3f}" if bound else "")
        floor = sgemm.get("floor_seconds", {}).get(w.key)
        row.append(f"{floor['1']:.3f} / {floor['2']:.3f}" if floor else "")
        rows.append(row)
    lines.append(table(header, rows))
    lines.append("")
    lines.append("FLOPs counted: forward 2·b·in·out per layer, weight gradient 2·b·in·out per layer, input delta "
                 "2·b·in·out per layer but the first (activations and updates not counted). A convolution of F "
                 "filters over K = channels × window area inputs at P output positions counts as in·out = F·K·P: "
                 "forward 2·F·K·P per sample, backward twice that but for the first layer (no input delta); "
                 "pooling, the copies into patch rows (im2col) and back are not counted. The sgemm bound is "
                 f"that count for {TRAINING_SAMPLES} samples at the 2-thread rate of the 1024³ product. The last "
                 "column times OpenBLAS on exactly the products of a training step at the workload's batch size, "
                 "nothing else (for a convolution: its im2col products, batch × positions rows of K values); "
                 "small batches keep it above the bound.")
    return "\n".join(lines)


# --- accuracy, memory, allocations ------------------------------------------------------------------------------

def accuracy_section(ctx):
    training = [w for w in ctx.workloads if w.mode == "train"]
    if not training:
        return ""
    ran = shown(ctx)
    rows = []
    identical = []
    for w in training:
        row = [w.key]
        for lib in ran:
            after_first = [run.result["test_accuracy"][0] for run in runs_of(ctx, w, lib)]
            row.append(f"{median_or_none(after_first):.4f}" if after_first else "—")
        rows.append(row)
        nerve_runs = [run for nerve in ctx.nerves for run in runs_of(ctx, w, nerve)]
        nerve_runs += [run for runs in ctx.measurements.contention_runs[w.key].values() for run in runs]
        if nerve_runs:
            identical.append((w.key, len({tuple(run.result["test_accuracy"]) for run in nerve_runs}) == 1,
                              len(nerve_runs)))
    text = table(["test accuracy after 1 epoch"] + [label_of(ctx, lib) for lib in ran], rows)
    if identical:
        text += "\n\nNerve's test accuracies, every epoch of every run (all thread counts, with and without a " \
                "busy process beside it): " + "; ".join(
                    f"{key} {'identical' if same else '**different**'} over {count} runs"
                    for key, same, count in identical) + "."
    return text


def memory_section(ctx):
    ran = shown(ctx)
    rows = []
    for w in ctx.workloads:
        row = [w.key]
        for lib in ran:
            runs = runs_of(ctx, w, lib)
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


def allocation_cell(workload, runs):
    if workload.mode == "train":
        cells = []
        for label, index in (("first epoch", slice(0, 1)), ("each later epoch", slice(1, None))):
            total = median_or_none([a for r in runs for a in r.result["allocations"][index]])
            if total is not None:
                cells.append(f"{label}: {total:.0f}")
        return "; ".join(cells)
    total = median_or_none([r.result.get("allocations_per_call") for r in runs])
    return f"{total:.2f} per predict call after warm-up" if total is not None else "—"


def allocation_section(ctx):
    rows = []
    for w in ctx.workloads:
        rows.append([w.key] + [allocation_cell(w, runs_of(ctx, w, nerve)) if runs_of(ctx, w, nerve) else "—"
                               for nerve in ctx.nerves])
    return table(["heap allocations during Nerve's calls"] + [nerve.label for nerve in ctx.nerves], rows) + (
        "\n\nCounted by wrapping malloc in the benchmark process, every thread included.")


def notes_section(ctx):
    lines = []
    for lib in ctx.libraries:
        reason = ctx.unavailable.get(lib.key)
        if reason:
            lines.append(f"- {lib.label}: not run: {reason}.")
            continue
        skipped = [w.key for w in ctx.workloads if not lib.supports(w)]
        if skipped and lib not in ctx.nerves:
            lines.append(f"- {lib.label}: not run on {', '.join(skipped)} (no convolution layers).")
        for w in ctx.workloads:
            note = lib.note(w) if lib.supports(w) else ""
            if note:
                lines.append(f"- {lib.label}, {w.key}: {note}.")
    failures = ctx.measurements.failures
    for failure in sorted(set(failures)):
        count = failures.count(failure)
        lines.append(f"- failed run{f' ({count} times)' if count > 1 else ''}: {failure}")
    return "\n".join(lines)


def render(ctx):
    s = ctx.settings
    scope = (f"{s.training_samples} training samples per epoch (times scaled to 60k)" if s.quick
             else "60000 training samples")
    if any(w.samples for w in ctx.workloads):
        scope += "".join(f"; {w.key}: {w.run_samples(s)} samples, scaled to 60k" for w in ctx.workloads
                         if w.samples)
    parts = [
        "## Nerve beside its peers",
        "",
        what_ran(ctx),
        "",
        f"Fashion-MNIST, {scope}; {s.repetitions} repetition(s), each library in its own process, medians.",
        "",
        comparison_table(ctx),
        "",
        "Nerve ÷ peer, the median over runs taken side by side (for times below 1 means Nerve is faster, for "
        "samples/s above 1 means Nerve is faster):",
        "",
        ratio_table(ctx),
        "",
        "Workloads:",
    ]
    parts += [f"- {w.key}: {w.description}." for w in ctx.workloads]
    parts += ["", "### Targets", "", speed_targets(ctx), "", thread_targets(ctx)]
    convolutional = cnn_section(ctx)
    if convolutional:
        parts += ["", "### Convolutional network beside PyTorch", "", convolutional]
    parts += ["", "### Beside a busy process", "", contention_section(ctx),
              "", "### Hardware use", "", hardware_section(ctx), "", "### Accuracy", "", accuracy_section(ctx),
              "", "### Memory", "", memory_section(ctx), "", "### Allocations", "", allocation_section(ctx),
              "", "### Set-up", "", notes_section(ctx), "",
              f"Machine: {ctx.machine}. Load average {ctx.load[0][0]:.2f} before, {ctx.load[1][0]:.2f} after, "
              f"{ctx.others:.2f} other runnable tasks on average between runs; {ctx.minutes:.1f} minutes."]
    if ctx.others >= 1.0:
        parts += ["", "**The machine was busy with other work during the runs: timings, above all those with "
                  "2 threads and of multi-threaded peers, are slower than on a quiet machine; the peers' "
                  "multi-threaded BLAS on small products can slow down several-fold, which flatters the ratios "
                  "against them, and the quiet-machine targets are not judged fairly.**"]
    parts.append("")
    return "\n".join(parts)
