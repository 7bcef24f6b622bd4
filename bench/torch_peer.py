"""The workloads through PyTorch on the CPU: nn.Linear layers, cross-entropy on the logits (softmax with
log-likelihood), torch.optim.SGD with classical momentum, shuffled index batches, default thread count."""

import torch
import torch.nn.functional as functional

import fashion_mnist
import peer_protocol


def make_model(sizes, hidden):
    layers = []
    for layer, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(torch.nn.Linear(n_in, n_out))
        if layer < len(sizes) - 2:
            layers.append(torch.nn.ReLU() if hidden == "relu" else torch.nn.Sigmoid())
    return torch.nn.Sequential(*layers)


def train_epoch(model, optimizer, x, labels, batch, generator):
    order = torch.randperm(len(x), generator=generator)
    for start in range(0, len(x), batch):
        rows = order[start:start + batch]
        optimizer.zero_grad(set_to_none=True)
        loss = functional.cross_entropy(model(x[rows]), labels[rows])
        loss.backward()
        optimizer.step()


def main():
    args = peer_protocol.parse()
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    model = make_model(args.sizes, args.hidden)
    test_x, test_labels = (torch.from_numpy(a) for a in fashion_mnist.load(args.data, "t10k"))

    def predict(x):
        with torch.inference_mode():
            return torch.softmax(model(x), dim=1)

    if args.mode == "train":
        x, labels = (torch.from_numpy(a) for a in fashion_mnist.load(args.data, "train", args.n))
        optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
        result = peer_protocol.training_result(
            "torch", lambda: train_epoch(model, optimizer, x, labels, args.batch, generator),
            lambda: (predict(test_x).argmax(dim=1) == test_labels).float().mean().item(), args.epochs)
    elif args.mode == "latency":
        samples = [row.reshape(1, -1) for row in test_x[:1000]]
        result = peer_protocol.latency_result("torch", predict, samples, args.calls)
    else:
        result = peer_protocol.throughput_result("torch", predict, test_x, args.repeats)
    result["version"] = torch.__version__
    result["threads"] = torch.get_num_threads()
    peer_protocol.emit(result)


if __name__ == "__main__":
    main()
