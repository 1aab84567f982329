#!/usr/bin/env python3
"""PyTorch CPU reference for sparsekit's SAE training-step benchmark (src/bench/saeStep.ts).

The same step: encoder h = sigmoid(x W1 + b1), decoder x_hat = sigmoid(h W2 + b2),
loss = (1/2B) sum ||x_hat - x||^2 + beta sum_k KL(rho || rho_hat_k) + (lambda/2)(||W1||^2 + ||W2||^2),
rho_hat = batch mean of h clamped to [1e-6, 1 - 1e-6]; Adam (lr 1e-3, betas 0.9/0.999, eps 1e-8);
float32; a fixed input batch uniform in [0, 1]; UFLDL init U(+-sqrt(6/(n_in + n_out + 1))).
Each step reads its loss back (loss.item()), as the TypeScript side does. Reports wall-clock
ms/step per round (median, min) and the process CPU time per step (median).

One configuration per process: `--threads 1` pins PyTorch *and* its BLAS/OpenMP pools to one
thread (OMP/OPENBLAS/MKL_NUM_THREADS are set before torch is imported: Debian's torch calls
OpenBLAS, whose own thread pool torch.set_num_threads does not control); `--threads default`
leaves everything as installed. Prints one JSON object on stdout.
"""
import argparse
import json
import os
import platform
import re
import statistics
import sys
import time

torch = None  # imported in main(), after the thread environment is set

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


def time_step(args):
    step = build(args.input_size, args.hidden_size, args.batch_size, args.seed)
    first = None
    last = None
    for _ in range(args.warmup):
        last = step()
        first = last if first is None else first
    rounds = []
    cpu_rounds = []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        c0 = time.process_time()
        for _ in range(args.steps):
            last = step()
            first = last if first is None else first
        rounds.append((time.perf_counter() - t0) * 1000 / args.steps)
        cpu_rounds.append((time.process_time() - c0) * 1000 / args.steps)
    return {
        "rounds_ms": rounds,
        "ms_per_step": statistics.median(rounds),
        "min_ms_per_step": min(rounds),
        # CPU time of this process (all its threads): robust to other processes sharing the cores.
        "cpu_ms_per_step": statistics.median(cpu_rounds),
        "first_loss": first,
        "last_loss": last,
    }


def main():
    global torch
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", default="default", help="a positive integer, or 'default'")
    p.add_argument("--input-size", type=int, default=784)
    p.add_argument("--hidden-size", type=int, default=196)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    if args.threads != "default":
        n = int(args.threads)
        if n < 1:
            p.error("--threads must be >= 1 or 'default'")
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(n)
    try:
        import torch as _torch
    except ImportError as exc:  # the TypeScript runner checks this first; keep a clear message anyway
        print(json.dumps({"error": f"cannot import torch: {exc}"}))
        sys.exit(2)
    torch = _torch
    if args.threads != "default":
        torch.set_num_threads(int(args.threads))

    result = time_step(args)
    print(json.dumps({
        "label": "1 thread" if args.threads == "1" else f"{args.threads} threads" if args.threads != "default" else "default threads",
        "requested_threads": args.threads,
        "torch_threads": torch.get_num_threads(),
        "blas": blas_info(),
        "torch_version": torch.__version__,
        "python_version": platform.python_version(),
        "cpu_count": os.cpu_count() or 1,
        "config": vars(args),
        **result,
    }))


def blas_info():
    """Which BLAS does the work: torch's build setting plus, on Linux, the BLAS library mapped
    into this process (Debian's torch says 'generic' and uses whatever libblas.so.3 points to;
    the netlib reference BLAS there is ~10x slower than OpenBLAS)."""
    m = re.search(r"BLAS_INFO=([\w.-]+)", torch.__config__.show())
    info = m.group(1) if m else "unknown"
    try:
        with open("/proc/self/maps") as f:
            libs = sorted({line.split()[-1] for line in f if "blas" in line.lower() and "/" in line})
        if libs:
            info += " (" + ", ".join(os.path.realpath(x) for x in libs) + ")"
    except OSError:
        pass
    return info


if __name__ == "__main__":
    main()
