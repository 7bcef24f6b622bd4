"""One measured run of data-parallel training, under mpirun; started by mpi_scaling.py.

    mpirun -np N python3 mpi_worker.py --data DIR --workload B|CNN --batch PER_RANK --samples S

Every rank loads Fashion-MNIST, keeps its interleaved shard of the first S training images and trains one epoch
with one thread (shuffle off, monitor off, no validation), from the same seed. Rank 0 prints one line of JSON:
wall seconds of fit (between barriers), the time each rank spent in the gradient hook (allreduce, the copies
around it and any wait for slower ranks), steps and parameters. `--ranks 0` trains without MPI at all (plain
fit), the baseline of the hook's own cost.
"""

import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bindings", "python"))

import numpy as np  # noqa: E402

import nerve  # noqa: E402
from workloads import CNN_LAYERS, WORKLOADS  # noqa: E402

WORKLOAD = {workload.key: workload for workload in WORKLOADS}


def network(name, seed):
    if name == "B":
        workload = WORKLOAD["B"]
        return nerve.Network(list(workload.sizes), activations=[workload.hidden, "softmax"], seed=seed)
    layers = []
    for layer in CNN_LAYERS:
        if layer[0] == "conv":
            layers.append(nerve.Conv2D(layer[1], layer[2], padding=layer[3], activation="relu"))
        elif layer[0] == "maxpool":
            layers.append(nerve.MaxPool2D(layer[1]))
        else:
            layers.append(nerve.Dense(layer[1], activation="relu"))
    layers[-1] = nerve.Dense(layers[-1].units, activation="softmax")
    return nerve.Network(input_shape=(1, 28, 28), layers=layers, seed=seed)


def settings(name):
    """Learning rate and momentum of the benchmark's workload: B, or E for the convolutional network."""
    workload = WORKLOAD["B" if name == "B" else "E"]
    return workload.lr, workload.momentum


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--workload", choices=["B", "CNN"], required=True)
    parser.add_argument("--batch", type=int, required=True, help="samples per step on each rank")
    parser.add_argument("--samples", type=int, default=60000)
    parser.add_argument("--no-mpi", action="store_true", help="plain fit in one process, no communicator")
    args = parser.parse_args()

    (images, labels), _ = nerve.datasets.load_fashion_mnist(args.data, scale=False)
    images, labels = images[: args.samples], labels[: args.samples]
    learning_rate, momentum = settings(args.workload)
    net = network(args.workload, seed=1)

    if args.no_mpi:
        X = images.astype(np.float32) / np.float32(255)
        start = time.perf_counter()
        net.fit(X, labels, epochs=1, batch_size=args.batch, learning_rate=learning_rate, momentum=momentum,
                shuffle=False, monitor="none", threads=1)
        seconds = time.perf_counter() - start
        print(json.dumps(dict(ranks=0, batch=args.batch, samples=len(X), seconds=seconds, hook_seconds=[0.0],
                              steps=-(-len(X) // args.batch), parameters=net.parameter_count)), flush=True)
        return

    from mpi4py import MPI

    import nerve.distributed as distributed

    made = []

    class Recording(distributed.Coordinator):
        """The Coordinator fit makes, kept for its hook statistics."""

        def __init__(self, *arguments, **keywords):
            super().__init__(*arguments, **keywords)
            made.append(self)

    distributed.Coordinator = Recording
    comm = MPI.COMM_WORLD
    part = distributed.rank_shard(len(images), comm)
    X = images[part].astype(np.float32) / np.float32(255)
    y = labels[part]
    comm.Barrier()
    start = time.perf_counter()
    net.fit(X, y, epochs=1, batch_size=args.batch, learning_rate=learning_rate, momentum=momentum,
            shuffle=False, monitor="none", threads=1, comm=comm)
    comm.Barrier()
    seconds = time.perf_counter() - start
    (coordinator,) = made
    hooks = comm.gather(coordinator.hook_seconds, root=0)
    if comm.Get_rank() == 0:
        print(json.dumps(dict(ranks=comm.Get_size(), batch=args.batch, samples=coordinator.total_samples,
                              seconds=seconds, hook_seconds=hooks, steps=coordinator.hook_calls,
                              parameters=coordinator.parameter_count)), flush=True)


if __name__ == "__main__":
    main()
