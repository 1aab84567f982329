#!/usr/bin/env python3
"""Median ms of one product (named as in bench/kernelRates.ts) in PyTorch on one thread; prints {"ms": ...}."""
import json
import os
import statistics
import sys
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(1)
name = sys.argv[1]
if name.startswith("matmul"):
    m, k = (int(v) for v in name.split()[1].split("x"))
    n = int(name.split()[3].split("x")[1])
    a, b = torch.randn(m, k), torch.randn(k, n)
    op = lambda: a @ b
else:
    x, w = torch.randn(128, 32, 14, 14), torch.randn(64, 32, 3, 3)
    op = lambda: F.conv2d(x, w, padding=1)
with torch.no_grad():
    for _ in range(3):
        op()
    ms = []
    for _ in range(15):
        t0 = time.perf_counter()
        op()
        ms.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"ms": statistics.median(ms)}))
