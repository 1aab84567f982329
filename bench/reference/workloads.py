#!/usr/bin/env python3
"""PyTorch CPU references for sparsekit's benchmark suite (src/bench/workloads.ts).

Each function below does the computation of the TypeScript workload of the same name: same shapes,
float32, Adam (lr 1e-3, betas 0.9/0.999, eps 1e-8) where there is training, a fixed seeded random
input batch, and the loss read back each step (.item()). Run one workload per process:

    workloads.py --workload cnn --threads 1 [--size '{"batchSize": 128, ...}'] [--steps ...]

`--threads N` sets OMP/OPENBLAS/MKL_NUM_THREADS before torch is imported (torch.set_num_threads
alone does not stop OpenBLAS's own pool); `--threads default` leaves everything as installed.
Prints one JSON object on stdout: ms/step per round (median, min), CPU ms/step, the threads torch
actually used (torch.get_num_threads() and the OpenBLAS pool's threads), the BLAS library and the peak RSS of the process.
"""
import argparse
import json
import math
import os
import platform
import re
import resource
import statistics
import sys
import time

torch = None  # imported in main(), after the thread environment is set
F = None

LR = 1e-3


def adam(params):
    return torch.optim.Adam(params, lr=LR, betas=(0.9, 0.999), eps=1e-8)


def train_step(params, loss_fn):
    opt = adam(params)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn()
        loss.backward()
        opt.step()
        return loss.item()

    return step


def he(shape, fan_in, g):
    return (torch.randn(*shape, generator=g) * math.sqrt(2.0 / fan_in)).requires_grad_()


def glorot(shape, fan_in, fan_out, g):
    r = math.sqrt(6.0 / (fan_in + fan_out))
    return ((torch.rand(*shape, generator=g) * 2 - 1) * r).requires_grad_()


def zeros(n):
    return torch.zeros(n, requires_grad=True)


def one_hot(b, classes, g):
    return torch.randint(0, classes, (b,), generator=g)


def sae(s, g):
    """784-196-784 sigmoid autoencoder, (1/2B) SSE + 3 KL(0.05 || rho_hat) + (1e-4/2) ||W||^2."""
    n, k, b = s["inputSize"], s["hiddenSize"], s["batchSize"]
    rho, beta, lam = 0.05, 3.0, 1e-4
    r = (6.0 / (n + k + 1)) ** 0.5
    x = torch.rand(b, n, generator=g)
    w1 = ((torch.rand(n, k, generator=g) * 2 - 1) * r).requires_grad_()
    w2 = ((torch.rand(k, n, generator=g) * 2 - 1) * r).requires_grad_()
    b1, b2 = zeros(k), zeros(n)

    def loss():
        h = torch.sigmoid(x @ w1 + b1)
        x_hat = torch.sigmoid(h @ w2 + b2)
        recon = ((x_hat - x) ** 2).sum() / (2 * b)
        rho_hat = h.mean(0).clamp(1e-6, 1 - 1e-6)
        kl = (rho * torch.log(rho / rho_hat) + (1 - rho) * torch.log((1 - rho) / (1 - rho_hat))).sum()
        return recon + beta * kl + (lam / 2) * ((w1 ** 2).sum() + (w2 ** 2).sum())

    return train_step([w1, b1, w2, b2], loss)


def cnn(s, g):
    """conv 3x3 f1 -> relu -> maxpool 2 -> conv 3x3 f2 -> relu -> maxpool 2 -> dense hidden -> classes."""
    b, h, f1, f2, hid, c = s["batchSize"], s["height"], s["filters1"], s["filters2"], s["hidden"], s["classes"]
    flat = math.ceil(math.ceil(h / 2) / 2) ** 2 * f2
    k1, k2 = he((f1, 1, 3, 3), 9, g), he((f2, f1, 3, 3), 9 * f1, g)
    w3, w4 = he((hid, flat), flat, g), glorot((c, hid), hid, c, g)
    params = [k1, zeros(f1), k2, zeros(f2), w3, zeros(hid), w4, zeros(c)]
    x = torch.rand(b, 1, h, h, generator=g)
    y = one_hot(b, c, g)
    pool = lambda t: F.max_pool2d(t, 2, 2, ceil_mode=True)  # tfjs 'same' pooling

    def loss():
        a = pool(F.relu(F.conv2d(x, k1, params[1], padding=1)))
        a = pool(F.relu(F.conv2d(a, k2, params[3], padding=1)))
        a = F.relu(F.linear(a.flatten(1), w3, params[5]))
        return F.cross_entropy(F.linear(a, w4, params[7]), y)

    return train_step(params, loss)


def masked(s, g):
    """MaskedClassifier (masks-mnist, steBudget): avgpool -> k x k patches -> dense relu -> 1 logit ->
    nearest upsample, x gain -> straight-through gate -> MLP on x * M; CE + lambda (mean(M) - 0.1),
    lambda by dual ascent (step 0.1) on each batch's mean(M)."""
    b, h, c, ch, k, p, hid = (s[n] for n in ("batchSize", "height", "classes", "attentionChannels", "attentionKernel", "attentionPool", "hiddenUnits"))
    gain, target, eta = 20.0, 0.1, 0.1
    wa = he((k * k, ch), k * k, g)
    wo = (glorot((ch, 1), ch, 1, g).detach() / gain).requires_grad_()
    pix = torch.zeros(1, h, h, requires_grad=True)
    wh, wc = he((h * h, hid), h * h, g), glorot((hid, c), hid, c, g)
    ba, bo, bh, bc = zeros(ch), zeros(1), zeros(hid), zeros(c)
    params = [wa, ba, wo, bo, pix, wh, bh, wc, bc]
    x = torch.rand(b, 1, h, h, generator=g)
    y = one_hot(b, c, g)
    state = {"lambda": 0.0}

    class Ste(torch.autograd.Function):
        @staticmethod
        def forward(ctx, m):
            ctx.save_for_backward(m)
            return (m > 0).float()

        @staticmethod
        def backward(ctx, dy):
            (m,) = ctx.saved_tensors
            sg = torch.sigmoid(m)
            return dy * sg * (1 - sg)

    def step_fn():
        opt.zero_grad(set_to_none=True)
        pooled = F.avg_pool2d(x, p) if p > 1 else x
        ph = pooled.shape[-1]
        patches = F.unfold(pooled, k, padding=k // 2).transpose(1, 2).reshape(-1, k * k)
        hidden = F.relu(patches @ wa + ba)
        low = (hidden @ wo + bo).reshape(b, 1, ph, ph)
        up = F.interpolate(low, size=(h, h), mode="nearest") if p > 1 else low
        logits_m = (up + pix) * gain
        mask = Ste.apply(logits_m)
        z = F.relu((x * mask).flatten(1) @ wh + bh) @ wc + bc
        area = mask.mean()
        loss = F.cross_entropy(z, y) + state["lambda"] * (area - target)
        loss.backward()
        opt.step()
        state["lambda"] = max(0.0, state["lambda"] + eta * (area.item() - target))
        return loss.item()

    opt = adam(params)
    return step_fn


def conv_satae(s, g):
    """Conv saturating autoencoder: masking noise 0.25, same conv k x k x F, satlin, tied decoder
    (transposed conv with the same kernel), (1/2B) SSE + 0.01 sum satlin_c(z) / B."""
    b, h, f, k = s["batchSize"], s["height"], s["filters"], s["kernelSize"]
    kern = he((f, 1, k, k), k * k, g)
    bias, cbias = zeros(f), zeros(1)
    x = torch.rand(b, 1, h, h, generator=g)
    pad = (k - 1) // 2

    def loss():
        keep = (torch.rand(x.shape) >= 0.25).float()
        z = F.conv2d(x * keep, kern, bias, padding=pad)
        hmap = z.clamp(0, 1)
        x_hat = F.conv_transpose2d(hmap, kern, cbias, padding=pad)
        recon = ((x_hat - x) ** 2).sum() / (2 * b)
        sat = torch.where((z > 0) & (z < 1), torch.minimum(z, 1 - z), torch.zeros_like(z)).sum() / b
        return recon + 0.01 * sat

    return train_step([kern, bias, cbias], loss)


def entropy(s, g):
    """MLP d-hidden-hidden-N clusterer: marginal batch entropy (beta = -1, lambda = 4) + 10 x KL
    consistency against one random-affine view (bilinear warp; shift 2 px, rotation 12 deg, scale
    0.1); a pool of 16 input batches, one per step in turn (as the TypeScript side)."""
    b, h, hid, n = s["batchSize"], s["height"], s["hidden"], s["clusters"]
    d = h * h
    w1, w2, w3 = he((d, hid), d, g), he((hid, hid), hid, g), glorot((hid, n), hid, n, g)
    b1, b2, b3 = zeros(hid), zeros(hid), zeros(n)
    pool = [torch.rand(b, d, generator=g) for _ in range(16)]
    state = {"step": 0}

    def net(v):
        return F.relu(F.relu(v @ w1 + b1) @ w2 + b2) @ w3 + b3

    def ent(p):
        return -(p * torch.log(p.clamp_min(1e-12))).sum(-1)

    def loss():
        x = pool[state["step"] % len(pool)]
        state["step"] += 1
        out = net(x)
        q = torch.softmax(out, 1)
        entropy_term = ent(q).mean() - 4 * ent(q.mean(0))
        ang = (torch.rand(b) * 2 - 1) * math.radians(12)
        sc = 1 + (torch.rand(b) * 2 - 1) * 0.1
        sh = (torch.rand(b, 2) * 2 - 1) * (2 * 2 / h)
        theta = torch.stack([torch.stack([sc * torch.cos(ang), -sc * torch.sin(ang), sh[:, 0]], 1),
                             torch.stack([sc * torch.sin(ang), sc * torch.cos(ang), sh[:, 1]], 1)], 1)
        grid = F.affine_grid(theta, (b, 1, h, h), align_corners=False)
        xa = F.grid_sample(x.reshape(b, 1, h, h), grid, align_corners=False).reshape(b, d)
        log_q = torch.log_softmax(out, 1).detach()
        log_qa = torch.log_softmax(net(xa), 1)
        consistency = (log_q.exp() * (log_q - log_qa)).sum(1).mean()
        return entropy_term + 10 * consistency

    return train_step([w1, b1, w2, b2, w3, b3], loss)


def coding_problem(s, g):
    phi = torch.randn(s["dim"], s["atoms"], generator=g)
    phi = phi / phi.norm(dim=0, keepdim=True)
    x = torch.randn(s["batchSize"], s["dim"], generator=g)
    return x, phi


LAMBDA = 0.1


def soft(u, lam):
    return torch.sign(u) * torch.relu(u.abs() - lam)


def lca(s, g):
    """LCA (tau 10, soft threshold, lambda 0.1, u0 = 0), batched: b = x Phi, G = Phi^T Phi - I."""
    x, phi = coding_problem(s, g)

    @torch.no_grad()
    def step():
        b = x @ phi
        gram = phi.t() @ phi - torch.eye(phi.shape[1])
        u = torch.zeros_like(b)
        for _ in range(s["iterations"]):
            u = u + 0.1 * (b - u - soft(u, LAMBDA) @ gram)
        return soft(u, LAMBDA).abs().sum().item()

    return step


def fista(s, g):
    """FISTA, fixed iteration count, step 1/L with L from 100 power iterations (each read back)."""
    x, phi = coding_problem(s, g)

    @torch.no_grad()
    def step():
        gram = phi.t() @ phi
        v = torch.ones(phi.shape[1], 1) / math.sqrt(phi.shape[1])
        for _ in range(100):
            w = gram @ v
            norm = w.norm()
            norm.item()
            v = w / norm
        lip = (v * (gram @ v)).sum().item() * 1.01
        st = 1.0 / lip
        b = x @ phi
        a = torch.zeros(x.shape[0], phi.shape[1])
        y = a.clone()
        t = 1.0
        for _ in range(s["iterations"]):
            t_next = (1 + math.sqrt(1 + 4 * t * t)) / 2
            a_next = soft(y - st * (y @ gram - b), LAMBDA * st)
            y = a_next + ((t - 1) / t_next) * (a_next - a)
            a, t = a_next, t_next
        return a.abs().sum().item()

    return step


def ovr(s, g):
    """OVR-Encoder explicit (local) gradient, Adam: h = relu(x W + b), J = mean (||h_i|| - 1)^2 + 1e-4 OVR(H)."""
    b, d, k = s["batchSize"], s["inputSize"], s["hiddenSize"]
    lam = 1e-4
    w = (torch.randn(d, k, generator=g) / math.sqrt(d)).requires_grad_()
    bias = torch.zeros(k, requires_grad=True)
    x = torch.randn(b, d, generator=g)
    opt = adam([w, bias])

    def step():
        with torch.no_grad():
            z = x @ w + bias
            h = torch.relu(z)
            norms = h.norm(dim=1, keepdim=True)
            dl = (2 / b) * torch.nan_to_num((norms - 1) / norms) * h
            ssum = h.sum(0, keepdim=True)
            delta = (z > 0).float() * (dl + lam * 2 * (ssum - h))
            w.grad = x.t() @ delta
            bias.grad = delta.sum(0)
            norm_term = ((norms - 1) ** 2).mean()
            overlap = (ssum ** 2).sum() - (h ** 2).sum()
            total = torch.stack([norm_term, overlap])
        opt.step()
        v = total.tolist()
        return v[0] + lam * v[1]

    return step


WORKLOADS = {"sae": sae, "cnn": cnn, "masked": masked, "conv-satae": conv_satae, "entropy": entropy, "lca": lca, "fista": fista, "ovr": ovr}


def time_steps(step, args):
    first = last = None
    for _ in range(args.warmup):
        last = step()
        first = last if first is None else first
    rounds, cpu_rounds = [], []
    for _ in range(args.rounds):
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(args.steps):
            last = step()
            first = last if first is None else first
        rounds.append((time.perf_counter() - t0) * 1000 / args.steps)
        cpu_rounds.append((time.process_time() - c0) * 1000 / args.steps)
    return {
        "rounds_ms": rounds,
        "ms_per_step": statistics.median(rounds),
        "min_ms_per_step": min(rounds),
        "cpu_ms_per_step": statistics.median(cpu_rounds),
        "first_loss": first,
        "last_loss": last,
    }


def blas_info():
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


def blas_threads():
    """Threads of the loaded OpenBLAS pool (openblas_get_num_threads), or None: torch.get_num_threads()
    does not see it, and with --threads default it is what the row really uses."""
    import ctypes
    try:
        with open("/proc/self/maps") as f:
            libs = sorted({line.split()[-1] for line in f if "openblas" in line.lower() and "/" in line})
    except OSError:
        return None
    for lib in libs:
        try:
            fn = ctypes.CDLL(lib).openblas_get_num_threads
        except (OSError, AttributeError):
            continue
        fn.restype = ctypes.c_int
        return int(fn())
    return None


def main():
    global torch, F
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workload", required=True, choices=sorted(WORKLOADS))
    p.add_argument("--size", required=True, help="JSON object of the workload's shapes")
    p.add_argument("--threads", default="default", help="a positive integer, or 'default'")
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=3)
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
        import torch.nn.functional as _F
    except ImportError as exc:
        print(json.dumps({"error": f"cannot import torch: {exc}"}))
        sys.exit(2)
    torch, F = _torch, _F
    if args.threads != "default":
        torch.set_num_threads(int(args.threads))
    size = json.loads(args.size)
    g = torch.Generator().manual_seed(args.seed)
    step = WORKLOADS[args.workload](size, g)
    result = time_steps(step, args)
    print(json.dumps({
        "workload": args.workload,
        "label": f"{args.threads} thread{'s' if args.threads != '1' else ''}" if args.threads != "default" else "default threads",
        "requested_threads": args.threads,
        "torch_threads": torch.get_num_threads(),
        "blas_threads": blas_threads(),
        "blas": blas_info(),
        "torch_version": torch.__version__,
        "python_version": platform.python_version(),
        # ru_maxrss is in KiB on Linux.
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "size": size,
        **result,
    }))


if __name__ == "__main__":
    main()
