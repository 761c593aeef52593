#!/usr/bin/env bash
# The same FashionResNet training step in PyTorch (Debian's python3-torch) and as the
# generated TorchSharp module, one after the other on the same machine: images per second.
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-$(nproc)}
dotnet build bench/Dsl.Benchmarks -c Release -nologo -v:q >/dev/null
/usr/bin/python3 bench/pytorch_fashion_resnet.py "$threads"
dotnet bench/Dsl.Benchmarks/bin/Release/net10.0/Dsl.Benchmarks.dll throughput "$threads"
