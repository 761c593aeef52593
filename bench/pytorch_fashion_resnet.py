#!/usr/bin/env python3
"""Training images per second of FashionResNet in PyTorch, with the protocol of
bench/Dsl.Benchmarks/Throughput.cs: batch 128, SGD with momentum, 10 warm-up steps, then the
mean over 50 timed steps. Run with Debian's python3-torch (/usr/bin/python3)."""
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "Dsl.Runtime.Tests", "Fixtures"))
from make_fixtures import FashionResNet  # noqa: E402  the same network, with the generated key names

threads = int(sys.argv[1]) if len(sys.argv) > 1 else os.cpu_count()
torch.set_num_threads(threads)
torch.manual_seed(0)
model = FashionResNet()
model.train()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
images = torch.rand(128, 1, 28, 28)
labels = torch.randint(0, 10, (128,))


def step():
    optimizer.zero_grad()
    F.cross_entropy(model(images), labels).backward()
    optimizer.step()


for _ in range(10):
    step()
start = time.perf_counter()
steps = 50
for _ in range(steps):
    step()
elapsed = time.perf_counter() - start
print(f"PyTorch {torch.__version__}, FashionResNet, {threads} threads: {steps * 128 / elapsed:.0f} images/s")
