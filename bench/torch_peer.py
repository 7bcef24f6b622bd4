"""The workloads through PyTorch on the CPU: nn.Linear layers (and, for the convolutional workloads, nn.Conv2d
and nn.MaxPool2d), cross-entropy on the logits (softmax with log-likelihood), torch.optim.SGD with classical
momentum, shuffled index batches.

The dense workloads run with PyTorch's default settings. The convolutional ones take threads=T (0: PyTorch's
default count), format=contiguous|channels_last and mkldnn=1|0, chosen by run.py from mode=tune, which times
those settings on a few mini-batches (training) and single-sample calls (latency) and reports each one's
median; nothing else is measured in that process."""

import statistics
import time

import torch
import torch.nn.functional as functional

import fashion_mnist
import peer_protocol

# Tuning, per setting and round: one mini-batch to warm up, then up to 8 timed ones, fewer once half a second
# has passed (a setting that the machine's other work slows down must not hold the run up); 50 single-sample
# calls to warm up, then up to 200 timed ones, fewer once a quarter of a second has passed.
TUNE_TRAIN_BATCHES, TUNE_TRAIN_SECONDS = 8, 0.5
TUNE_LATENCY_CALLS, TUNE_LATENCY_SECONDS = 200, 0.25


def make_model(sizes, hidden):
    layers = []
    for layer, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(torch.nn.Linear(n_in, n_out))
        if layer < len(sizes) - 2:
            layers.append(torch.nn.ReLU() if hidden == "relu" else torch.nn.Sigmoid())
    return torch.nn.Sequential(*layers)


def make_image_model(specs, shape, hidden):
    """The network of layers=conv:32:5:valid,maxpool:2,dense:128,... over samples of `shape` (C, H, W); every
    weighted layer but the last is followed by the hidden activation."""
    layers = []
    channels, height, width = shape
    flat = False
    for index, spec in enumerate(specs):
        kind, values = spec[0], spec[1:]
        if kind == "conv":
            filters, window, padding = int(values[0]), int(values[1]), values[2] if len(values) > 2 else "valid"
            layers.append(torch.nn.Conv2d(channels, filters, window, padding=padding))
            channels = filters
            if padding == "valid":
                height, width = height - window + 1, width - window + 1
        elif kind == "maxpool":
            window = int(values[0])
            layers.append(torch.nn.MaxPool2d(window))
            height, width = height // window, width // window
            continue
        elif kind == "dense":
            if not flat:
                layers.append(torch.nn.Flatten())
                flat = True
            layers.append(torch.nn.Linear(channels * height * width, int(values[0])))
            channels, height, width = int(values[0]), 1, 1
        else:
            raise SystemExit(f"unknown layer kind {kind!r}")
        if index < len(specs) - 1:
            layers.append(torch.nn.ReLU() if hidden == "relu" else torch.nn.Sigmoid())
    return torch.nn.Sequential(*layers)


class Setup:
    """A model, its input shape and memory format."""

    def __init__(self, args, threads, memory_format, mkldnn):
        if threads:
            torch.set_num_threads(threads)
        if mkldnn is not None:
            torch.backends.mkldnn.enabled = bool(mkldnn)
        torch.manual_seed(args.seed)
        self.images = bool(args.layers)
        if self.images:
            self.shape = tuple(args.input)
            self.model = make_image_model(args.layers, self.shape, args.hidden)
        else:
            self.model = make_model(args.sizes, args.hidden)
        self.memory_format = torch.channels_last if memory_format == "channels_last" else torch.contiguous_format
        if self.images:
            self.model = self.model.to(memory_format=self.memory_format)

    def batch(self, x):
        """Rows of x as the model takes them: images of shape (n, C, H, W) in the chosen memory format."""
        if not self.images:
            return x
        return x.reshape(len(x), *self.shape).contiguous(memory_format=self.memory_format)

    def predict(self, x):
        with torch.inference_mode():
            return torch.softmax(self.model(self.batch(x)), dim=1)


def train_step(setup, optimizer, x, labels):
    optimizer.zero_grad(set_to_none=True)
    loss = functional.cross_entropy(setup.model(setup.batch(x)), labels)
    loss.backward()
    optimizer.step()


def train_epoch(setup, optimizer, x, labels, batch, generator):
    order = torch.randperm(len(x), generator=generator)
    for start in range(0, len(x), batch):
        rows = order[start:start + batch]
        train_step(setup, optimizer, x[rows], labels[rows])


def tuning_settings(threads):
    """Each thread count with the default and the channels_last memory format (mkldnn on, PyTorch's default),
    and with one thread the default format without mkldnn (its native kernels)."""
    return [{"threads": t, "format": f, "mkldnn": m} for t in threads
            for f, m in (("contiguous", 1), ("channels_last", 1), ("contiguous", 0)) if m or t == 1]


def tune(args):
    """Median seconds per training mini-batch with 1 and 2 threads, and per single-sample predict call with one
    thread, for each setting of tuning_settings; settings take turns over args.repeats rounds so that a slow
    spell of the machine does not fall on one of them only."""
    x, labels = (torch.from_numpy(a) for a in fashion_mnist.load(args.data, "train", 64 * args.batch))
    samples = [row.reshape(1, -1) for row in x[:1000]]
    train = {i: (s, []) for i, s in enumerate(tuning_settings((1, 2)))}
    latency = {i: (s, []) for i, s in enumerate(tuning_settings((1,)))}
    setups = {}
    clock = time.perf_counter
    for _ in range(args.repeats):
        for i, (setting, times) in train.items():
            setup, optimizer = setups.get(("train", i)) or (None, None)
            if setup is None:
                setup = Setup(args, setting["threads"], setting["format"], setting["mkldnn"])
                optimizer = torch.optim.SGD(setup.model.parameters(), lr=args.lr, momentum=args.momentum)
                setups[("train", i)] = (setup, optimizer)
            else:
                torch.set_num_threads(setting["threads"])
                torch.backends.mkldnn.enabled = bool(setting["mkldnn"])
            began = clock()
            for step in range(TUNE_TRAIN_BATCHES + 1):
                rows = slice((step % 64) * args.batch, (step % 64 + 1) * args.batch)
                start = clock()
                train_step(setup, optimizer, x[rows], labels[rows])
                if step:
                    times.append(clock() - start)
                    if clock() - began > TUNE_TRAIN_SECONDS:
                        break
        for i, (setting, times) in latency.items():
            setup = setups.get(("latency", i)) or Setup(args, setting["threads"], setting["format"],
                                                        setting["mkldnn"])
            setups[("latency", i)] = setup
            torch.set_num_threads(setting["threads"])
            torch.backends.mkldnn.enabled = bool(setting["mkldnn"])
            began = clock()
            for call in range(TUNE_LATENCY_CALLS + 50):
                sample = samples[call % len(samples)]
                start = clock()
                setup.predict(sample)
                if call >= 50:
                    times.append(clock() - start)
                    if clock() - began > TUNE_LATENCY_SECONDS:
                        break
    return {"library": "torch", "mode": "tune",
            "train": [dict(s, seconds=statistics.median(t)) for s, t in train.values()],
            "latency": [dict(s, seconds=statistics.median(t)) for s, t in latency.values()]}


def main():
    args = peer_protocol.parse()
    if args.mode == "tune":
        result = tune(args)
        result["version"] = torch.__version__
        peer_protocol.emit(result)
        return
    setup = Setup(args, args.threads, args.format, args.mkldnn)
    generator = torch.Generator().manual_seed(args.seed)
    test_x, test_labels = (torch.from_numpy(a) for a in fashion_mnist.load(args.data, "t10k", args.test_n))

    if args.mode == "train":
        x, labels = (torch.from_numpy(a) for a in fashion_mnist.load(args.data, "train", args.n))
        optimizer = torch.optim.SGD(setup.model.parameters(), lr=args.lr, momentum=args.momentum)
        result = peer_protocol.training_result(
            "torch", lambda: train_epoch(setup, optimizer, x, labels, args.batch, generator),
            lambda: (setup.predict(test_x).argmax(dim=1) == test_labels).float().mean().item(), args.epochs)
    elif args.mode == "latency":
        samples = [row.reshape(1, -1) for row in test_x[:1000]]
        result = peer_protocol.latency_result("torch", setup.predict, samples, args.calls)
    else:
        result = peer_protocol.throughput_result("torch", setup.predict, test_x, args.repeats)
    result["version"] = torch.__version__
    result["threads"] = torch.get_num_threads()
    if setup.images:
        result["format"] = args.format
        result["mkldnn"] = int(torch.backends.mkldnn.enabled)
    peer_protocol.emit(result)


if __name__ == "__main__":
    main()
