#!/usr/bin/env python3
"""PyTorch CPU reference for sparsekit's SAE training-step benchmark (src/bench/saeStep.ts).

The same step: encoder h = sigmoid(x W1 + b1), decoder x_hat = sigmoid(h W2 + b2),
loss = (1/2B) sum ||x_hat - x||^2 + beta sum_k KL(rho || rho_hat_k) + (lambda/2)(||W1||^2 + ||W2||^2),
rho_hat = batch mean of h clamped to [1e-6, 1 - 1e-6]; Adam (lr 1e-3, betas 0.9/0.999, eps 1e-8);
float32; a fixed input batch uniform in [0, 1]; UFLDL init U(+-sqrt(6/(n_in + n_out + 1))).
Each step reads its loss back (loss.item()), as the TypeScript side does.

Timed for torch.set_num_threads(1), for torch's default thread count, and (when that default is
1 on a multi-core machine) for all cores. Prints one JSON object on stdout.
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time

try:
    import torch
except ImportError as exc:  # the TypeScript runner checks this first; keep a clear message anyway
    print(json.dumps({"error": f"cannot import torch: {exc}"}))
    sys.exit(2)

RHO, BETA, LAMBDA, LR, EPS = 0.05, 3.0, 1e-4, 1e-3, 1e-8


def build(n, k, b, seed):
    g = torch.Generator().manual_seed(seed)
    r = (6.0 / (n + k + 1)) ** 0.5
    x = torch.rand(b, n, generator=g)
    w1 = ((torch.rand(n, k, generator=g) * 2 - 1) * r).requires_grad_()
    b1 = torch.zeros(k, requires_grad=True)
    w2 = ((torch.rand(k, n, generator=g) * 2 - 1) * r).requires_grad_()
    b2 = torch.zeros(n, requires_grad=True)
    params = [w1, b1, w2, b2]
    opt = torch.optim.Adam(params, lr=LR, betas=(0.9, 0.999), eps=EPS)

    def step():
        opt.zero_grad(set_to_none=True)
        h = torch.sigmoid(x @ w1 + b1)
        x_hat = torch.sigmoid(h @ w2 + b2)
        recon = ((x_hat - x) ** 2).sum() / (2 * b)
        rho_hat = h.mean(0).clamp(1e-6, 1 - 1e-6)
        kl = (RHO * torch.log(RHO / rho_hat) + (1 - RHO) * torch.log((1 - RHO) / (1 - rho_hat))).sum()
        decay = (LAMBDA / 2) * ((w1 ** 2).sum() + (w2 ** 2).sum())
        loss = recon + BETA * kl + decay
        loss.backward()
        opt.step()
        return loss.item()

    return step


def time_step(threads, args):
    torch.set_num_threads(threads)
    step = build(args.input_size, args.hidden_size, args.batch_size, args.seed)
    first = None
    last = None
    for _ in range(args.warmup):
        last = step()
        first = last if first is None else first
    rounds = []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        for _ in range(args.steps):
            last = step()
            first = last if first is None else first
        rounds.append((time.perf_counter() - t0) * 1000 / args.steps)
    return {
        "threads": threads,
        "rounds_ms": rounds,
        "ms_per_step": statistics.median(rounds),
        "min_ms_per_step": min(rounds),
        "first_loss": first,
        "last_loss": last,
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--input-size", type=int, default=784)
    p.add_argument("--hidden-size", type=int, default=196)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()

    default_threads = torch.get_num_threads()
    cores = os.cpu_count() or 1
    runs = [
        dict(label="1 thread", **time_step(1, args)),
        dict(label=f"default ({default_threads} thread{'s' if default_threads > 1 else ''})",
             **time_step(default_threads, args)),
    ]
    if default_threads == 1 and cores > 1:
        runs.append(dict(label=f"all cores ({cores} threads)", **time_step(cores, args)))
    torch.set_num_threads(default_threads)
    print(json.dumps({
        "torch_version": torch.__version__,
        "python_version": platform.python_version(),
        "default_threads": default_threads,
        "cpu_count": cores,
        "config": vars(args),
        "runs": runs,
    }))


if __name__ == "__main__":
    main()
