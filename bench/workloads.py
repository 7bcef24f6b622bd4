"""The four workloads of the benchmark, the arithmetic they need and Nerve's speed targets."""

from dataclasses import dataclass

TRAINING_SAMPLES = 60000


@dataclass(frozen=True)
class Workload:
    key: str
    mode: str            # "train", "latency" or "throughput"
    sizes: tuple
    hidden: str          # activation of the hidden layers; the output is softmax with log-likelihood
    unit: str
    batch: int = 0
    lr: float = 0.0
    momentum: float = 0.0
    numpy_ratio_target: float = None   # Nerve's time ≤ this × numpy's time, side by side
    absolute_target: float = None      # Nerve's figure ≤ this, in the workload's unit
    sgemm_bound_target: float = None   # Nerve's time ≤ this × the sgemm bound (GFLOP ÷ 2-thread sgemm rate)

    @property
    def lower_is_better(self):
        return self.mode != "throughput"

    @property
    def description(self):
        shape = "-".join(map(str, self.sizes)) + f" {self.hidden}/softmax"
        if self.mode == "train":
            optimiser = f"SGD lr {self.lr:g}" + (f" momentum {self.momentum:g}" if self.momentum else "")
            return f"{shape}, batch {self.batch}, {optimiser}"
        if self.mode == "latency":
            return f"{shape}, one sample per predict call"
        return f"{shape}, the 10k test set in one predict call"

    def layer_products(self):
        """in × out of each layer."""
        return [n_in * n_out for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:])]

    def forward_flops_per_sample(self):
        return 2 * sum(self.layer_products())

    def training_flops(self, samples=TRAINING_SAMPLES):
        """Forward 2·b·in·out per layer, weight gradient 2·b·in·out per layer, and the delta passed back to the
        layer below 2·b·in·out for every layer but the first; activations and updates are not counted."""
        products = self.layer_products()
        return 2 * samples * (2 * sum(products) + sum(products[1:]))


WORKLOADS = [
    Workload("A", "train", (784, 100, 10), "sigmoid", "s/epoch", batch=10, lr=0.1, numpy_ratio_target=0.4),
    Workload("B", "train", (784, 256, 128, 10), "relu", "s/epoch", batch=128, lr=0.05, momentum=0.9,
             numpy_ratio_target=0.85, sgemm_bound_target=1.25),
    Workload("C", "latency", (784, 64, 10), "sigmoid", "µs/sample", absolute_target=2.0),
    Workload("D", "throughput", (784, 256, 128, 10), "relu", "samples/s"),
]

# Nerve runs every workload with each of these thread counts (nerve_bench --threads).
NERVE_THREADS = (1, 2)

# Training run again while one other process keeps a core busy: Nerve with 2 threads should then take at most
# CONTENTION_TARGET × its 1-thread time (a thread of Nerve's that loses its core must not stall the call).
CONTENTION_WORKLOADS = ("B", "A")
CONTENTION_TARGET = 1.15

# On a quiet machine, 2 threads should train B at least SCALING_TARGET × as fast as 1 thread.
SCALING_WORKLOAD = "B"
SCALING_TARGET = 1.6
