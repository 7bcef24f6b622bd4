"""The workloads of the benchmark, the arithmetic they need and Nerve's speed targets."""

from dataclasses import dataclass

TRAINING_SAMPLES = 60000
IMAGE_SHAPE = (1, 28, 28)  # channels, height, width of a Fashion-MNIST sample


def conv(filters, window, padding="valid"):
    """A convolution layer with `filters` filters of window × window, stride 1."""
    return ("conv", filters, window, padding)


def max_pool(window):
    """Max pooling over window × window, stride window."""
    return ("maxpool", window)


def dense(units):
    return ("dense", units)


def layers_argument(layers):
    """The layer list as nerve_bench and the peers take it: conv:32:5:valid,maxpool:2,dense:10."""
    return ",".join(":".join(map(str, layer)) for layer in layers)


def layer_shapes(layers, shape=IMAGE_SHAPE):
    """(layer, input shape, output shape) for each layer; shapes are (channels, height, width)."""
    shapes = []
    for layer in layers:
        channels, height, width = shape
        if layer[0] == "conv":
            _, filters, window, padding = layer
            if padding == "same":
                out = (filters, height, width)
            else:
                out = (filters, height - window + 1, width - window + 1)
        elif layer[0] == "maxpool":
            window = layer[1]
            out = (channels, height // window, width // window)
        else:
            out = (layer[1], 1, 1)
        shapes.append((layer, shape, out))
        shape = out
    return shapes


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
    # A network of image layers (conv, max_pool, dense) over IMAGE_SHAPE instead of dense `sizes`; only
    # PyTorch has the layers among the peers.
    layers: tuple = ()
    # Per-run amounts when they differ from the benchmark's (0: the run's default). Training times are scaled
    # from `samples` (quick: `quick_samples`) to a 60k epoch; test accuracy is taken on `test_samples` images.
    samples: int = 0
    quick_samples: int = 0
    epochs: int = 0
    test_samples: int = 0
    calls: int = 0
    quick_calls: int = 0
    nerve_threads: tuple = None        # Nerve's thread counts for this workload (None: NERVE_THREADS)
    tune_torch: bool = False           # PyTorch runs with the settings found fastest just before (run.py)

    @property
    def lower_is_better(self):
        return self.mode != "throughput"

    @property
    def description(self):
        if self.layers:
            shape = "×".join(map(str, IMAGE_SHAPE)) + " → " + " → ".join(
                self._layer_text(layer, last=i == len(self.layers) - 1) for i, layer in enumerate(self.layers))
        else:
            shape = "-".join(map(str, self.sizes)) + f" {self.hidden}/softmax"
        if self.mode == "train":
            optimiser = f"SGD lr {self.lr:g}" + (f" momentum {self.momentum:g}" if self.momentum else "")
            text = f"{shape}, batch {self.batch}, {optimiser}"
            if self.samples:
                epochs = "one epoch" if self.epochs == 1 else f"{self.epochs or 'the usual'} epochs"
                text += (f"; timed on the first {self.samples} training images ({self.quick_samples} when "
                         f"quick), {epochs} per run, scaled to 60k")
            if self.test_samples:
                text += f"; test accuracy on the first {self.test_samples} test images"
            return text
        if self.mode == "latency":
            return f"{shape}, one sample per predict call"
        return f"{shape}, the 10k test set in one predict call"

    def _layer_text(self, layer, last):
        if layer[0] == "conv":
            return f"conv {layer[1]}@{layer[2]}×{layer[2]} {layer[3]} {self.hidden}"
        if layer[0] == "maxpool":
            return f"max-pool {layer[1]}"
        return f"dense {layer[1]} " + ("softmax" if last else self.hidden)

    def layer_products(self):
        """Multiply-adds of each weighted layer's forward pass for one sample: in × out for a dense layer,
        F·K·P for a convolution of F filters over K = channels × window area inputs at P output positions.
        Pooling layers have none (their comparisons are not counted)."""
        if not self.layers:
            return [n_in * n_out for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:])]
        products = []
        for layer, (channels, height, width), (units, out_height, out_width) in layer_shapes(self.layers):
            if layer[0] == "conv":
                products.append(units * channels * layer[2] * layer[2] * out_height * out_width)
            elif layer[0] == "dense":
                products.append(channels * height * width * units)
        return products

    def gemm_shapes(self):
        """Each weighted layer as a matrix product per sample: (rows, in, out). A dense layer is one row of in
        values; a convolution has one row of K = channels × window area values per output position (im2col)."""
        if not self.layers:
            return [(1, n_in, n_out) for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:])]
        shapes = []
        for layer, (channels, height, width), (units, out_height, out_width) in layer_shapes(self.layers):
            if layer[0] == "conv":
                shapes.append((out_height * out_width, channels * layer[2] * layer[2], units))
            elif layer[0] == "dense":
                shapes.append((1, channels * height * width, units))
        return shapes

    def forward_flops_per_sample(self):
        return 2 * sum(self.layer_products())

    def training_flops(self, samples=TRAINING_SAMPLES):
        """Forward 2·b·in·out per layer, weight gradient 2·b·in·out per layer, and the delta passed back to the
        layer below 2·b·in·out for every layer but the first; activations and updates are not counted. For a
        convolution in·out reads F·K·P (layer_products): forward 2·F·K·P per sample, backward twice that (weight
        gradient and input delta), except the first layer's input delta, which no training step computes;
        pooling, im2col-style copies, activations and updates are not counted."""
        products = self.layer_products()
        return 2 * samples * (2 * sum(products) + sum(products[1:]))

    def run_samples(self, settings):
        """Training samples of one run: the workload's own subset, or the benchmark's (60k, or 20k when quick)."""
        own = self.quick_samples if settings.quick else self.samples
        return own or settings.training_samples or TRAINING_SAMPLES

    def run_epochs(self, settings):
        return self.epochs or settings.epochs

    def run_calls(self, settings):
        return (self.quick_calls if settings.quick else self.calls) or settings.latency_calls


CNN_LAYERS = (conv(32, 5), max_pool(2), conv(64, 5), max_pool(2), dense(128), dense(10))

WORKLOADS = [
    Workload("A", "train", (784, 100, 10), "sigmoid", "s/epoch", batch=10, lr=0.1, numpy_ratio_target=0.4),
    Workload("B", "train", (784, 256, 128, 10), "relu", "s/epoch", batch=128, lr=0.05, momentum=0.9,
             numpy_ratio_target=0.85, sgemm_bound_target=1.25),
    Workload("C", "latency", (784, 64, 10), "sigmoid", "µs/sample", absolute_target=2.0),
    Workload("D", "throughput", (784, 256, 128, 10), "relu", "samples/s"),
    # A LeNet-like convolutional network (`sizes` are then only its inputs and outputs). A 60k epoch takes a
    # minute or more on two cores, so E trains on a subset: one epoch of 10k images (3k when quick) per run,
    # scaled to 60k. F: one thread on each side.
    Workload("E", "train", (784, 10), "relu", "s/epoch", batch=64, lr=0.02, momentum=0.9, layers=CNN_LAYERS,
             samples=10000, quick_samples=3000, epochs=1, test_samples=2000, tune_torch=True),
    Workload("F", "latency", (784, 10), "relu", "µs/sample", layers=CNN_LAYERS, calls=3000, quick_calls=1000,
             nerve_threads=(1,), tune_torch=True),
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
